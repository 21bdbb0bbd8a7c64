import { LimitExceededError, ParseError } from "@mailwire/core";
import type { ContextHandle } from "../ndr/context-handle.js";
import { NdrReader } from "../ndr/ndr-reader.js";
import { NdrWriter } from "../ndr/ndr-writer.js";
import { MAX_AUX_OUT, MAX_RGB_OUT } from "./interfaces.js";

// NDR stubs of the EMSMDB and AsyncEMSMDB methods (MS-OXCRPC 3.1.4 and 3.3.4), both
// directions, so that the client and test doubles share one reading of the IDL. Parameter
// order is the IDL's; [in] parameters go in the request stub, [out] ones and the return value
// in the response stub.

export interface EcDoConnectExRequest {
  readonly userDn: string;
  readonly flags: number;
  /** ulConMod: a hash of the client's identity the server uses to spread connections. */
  readonly connectionModulus: number;
  /** cbLimit: MUST be 0. */
  readonly limit: number;
  readonly codePage: number;
  readonly lcidString: number;
  readonly lcidSort: number;
  /** ulIcxrLink: 0xFFFFFFFF for a new session context (3.1.4.1). */
  readonly icxrLink: number;
  readonly canConvertCodePages: number;
  readonly clientVersion: readonly [number, number, number];
  readonly timeStamp: number;
  readonly auxIn: Uint8Array;
  /** pcbAuxOut on input: the largest rgbAuxOut accepted. */
  readonly maxAuxOut: number;
}

export interface EcDoConnectExResponse {
  readonly handle: ContextHandle;
  readonly pollsMaxMs: number;
  readonly retryCount: number;
  readonly retryDelayMs: number;
  readonly icxr: number;
  readonly dnPrefix: string | undefined;
  readonly displayName: string | undefined;
  readonly serverVersion: readonly [number, number, number];
  readonly bestVersion: readonly [number, number, number];
  readonly timeStamp: number;
  readonly auxOut: Uint8Array;
  /** The method's return value: 0 or an error code (MS-OXCRPC 3.1.4.1). */
  readonly returnValue: number;
}

export function encodeEcDoConnectExRequest(request: EcDoConnectExRequest): Uint8Array {
  const writer = new NdrWriter(128 + request.userDn.length + request.auxIn.length);
  writer.asciiString(request.userDn); // [in, string] unsigned char*: a ref pointer, no referent id
  writer
    .u32(request.flags)
    .u32(request.connectionModulus)
    .u32(request.limit)
    .u32(request.codePage)
    .u32(request.lcidString)
    .u32(request.lcidSort)
    .u32(request.icxrLink)
    .u16(request.canConvertCodePages);
  for (const word of request.clientVersion) writer.u16(word);
  writer.u32(request.timeStamp);
  writer.conformantBytes(request.auxIn).u32(request.auxIn.length);
  writer.u32(request.maxAuxOut);
  return writer.finish();
}

export function decodeEcDoConnectExRequest(stub: Uint8Array): EcDoConnectExRequest {
  const reader = new NdrReader(stub);
  const userDn = reader.asciiString();
  const flags = reader.u32();
  const connectionModulus = reader.u32();
  const limit = reader.u32();
  const codePage = reader.u32();
  const lcidString = reader.u32();
  const lcidSort = reader.u32();
  const icxrLink = reader.u32();
  const canConvertCodePages = reader.u16();
  const clientVersion = [reader.u16(), reader.u16(), reader.u16()] as const;
  const timeStamp = reader.u32();
  const auxIn = reader.conformantBytes();
  const cbAuxIn = reader.u32();
  if (cbAuxIn !== auxIn.length) throw new ParseError("cbAuxIn does not match rgbAuxIn");
  const maxAuxOut = reader.u32();
  return {
    userDn,
    flags,
    connectionModulus,
    limit,
    codePage,
    lcidString,
    lcidSort,
    icxrLink,
    canConvertCodePages,
    clientVersion,
    timeStamp,
    auxIn,
    maxAuxOut,
  };
}

/** [out, string] unsigned char**: a unique pointer (referent id), then the string when not null. */
function writeOptionalString(writer: NdrWriter, value: string | undefined): void {
  if (writer.pointer(value !== undefined)) writer.asciiString(value as string);
}

function readOptionalString(reader: NdrReader): string | undefined {
  return reader.pointer() === 0 ? undefined : reader.asciiString();
}

function readAuxOut(reader: NdrReader): Uint8Array {
  const aux = reader.conformantVaryingBytes();
  if (aux.length > MAX_AUX_OUT) {
    throw new LimitExceededError(`rgbAuxOut of ${aux.length} bytes exceeds ${MAX_AUX_OUT}`, {
      limit: "maxAuxOut",
      max: MAX_AUX_OUT,
    });
  }
  const size = reader.u32();
  if (size !== aux.length) throw new ParseError("pcbAuxOut does not match rgbAuxOut");
  return aux;
}

export function encodeEcDoConnectExResponse(response: EcDoConnectExResponse): Uint8Array {
  const writer = new NdrWriter(256 + response.auxOut.length);
  writer.contextHandle(response.handle);
  writer.u32(response.pollsMaxMs).u32(response.retryCount).u32(response.retryDelayMs).u16(response.icxr);
  writeOptionalString(writer, response.dnPrefix);
  writeOptionalString(writer, response.displayName);
  for (const word of response.serverVersion) writer.u16(word);
  for (const word of response.bestVersion) writer.u16(word);
  writer.u32(response.timeStamp);
  writer.conformantVaryingBytes(response.auxOut).u32(response.auxOut.length);
  writer.u32(response.returnValue);
  return writer.finish();
}

export function decodeEcDoConnectExResponse(stub: Uint8Array): EcDoConnectExResponse {
  const reader = new NdrReader(stub);
  const handle = reader.contextHandle();
  const pollsMaxMs = reader.u32();
  const retryCount = reader.u32();
  const retryDelayMs = reader.u32();
  const icxr = reader.u16();
  const dnPrefix = readOptionalString(reader);
  const displayName = readOptionalString(reader);
  const serverVersion = [reader.u16(), reader.u16(), reader.u16()] as const;
  const bestVersion = [reader.u16(), reader.u16(), reader.u16()] as const;
  const timeStamp = reader.u32();
  const auxOut = readAuxOut(reader);
  const returnValue = reader.u32();
  expectEnd(reader, "EcDoConnectEx");
  return {
    handle,
    pollsMaxMs,
    retryCount,
    retryDelayMs,
    icxr,
    dnPrefix,
    displayName,
    serverVersion,
    bestVersion,
    timeStamp,
    auxOut,
    returnValue,
  };
}

export interface EcDoRpcExt2Request {
  readonly handle: ContextHandle;
  readonly flags: number;
  /** rgbIn: RPC_HEADER_EXT-wrapped ROP request buffer(s) (MS-OXCRPC 3.1.4.2.1). */
  readonly rgbIn: Uint8Array;
  /** pcbOut on input: the largest rgbOut accepted (at most 0x40000). */
  readonly maxOut: number;
  readonly auxIn: Uint8Array;
  readonly maxAuxOut: number;
}

export interface EcDoRpcExt2Response {
  readonly handle: ContextHandle;
  readonly flags: number;
  readonly rgbOut: Uint8Array;
  readonly auxOut: Uint8Array;
  readonly transTime: number;
  readonly returnValue: number;
}

export function encodeEcDoRpcExt2Request(request: EcDoRpcExt2Request): Uint8Array {
  const writer = new NdrWriter(128 + request.rgbIn.length + request.auxIn.length);
  writer.contextHandle(request.handle).u32(request.flags);
  writer.conformantBytes(request.rgbIn).u32(request.rgbIn.length);
  writer.u32(request.maxOut);
  writer.conformantBytes(request.auxIn).u32(request.auxIn.length);
  writer.u32(request.maxAuxOut);
  return writer.finish();
}

export function decodeEcDoRpcExt2Request(stub: Uint8Array): EcDoRpcExt2Request {
  const reader = new NdrReader(stub);
  const handle = reader.contextHandle();
  const flags = reader.u32();
  const rgbIn = reader.conformantBytes();
  if (reader.u32() !== rgbIn.length) throw new ParseError("cbIn does not match rgbIn");
  const maxOut = reader.u32();
  const auxIn = reader.conformantBytes();
  if (reader.u32() !== auxIn.length) throw new ParseError("cbAuxIn does not match rgbAuxIn");
  const maxAuxOut = reader.u32();
  return { handle, flags, rgbIn, maxOut, auxIn, maxAuxOut };
}

export function encodeEcDoRpcExt2Response(response: EcDoRpcExt2Response): Uint8Array {
  const writer = new NdrWriter(128 + response.rgbOut.length + response.auxOut.length);
  writer.contextHandle(response.handle).u32(response.flags);
  writer.conformantVaryingBytes(response.rgbOut).u32(response.rgbOut.length);
  writer.conformantVaryingBytes(response.auxOut).u32(response.auxOut.length);
  writer.u32(response.transTime).u32(response.returnValue);
  return writer.finish();
}

export function decodeEcDoRpcExt2Response(stub: Uint8Array): EcDoRpcExt2Response {
  const reader = new NdrReader(stub);
  const handle = reader.contextHandle();
  const flags = reader.u32();
  const rgbOut = reader.conformantVaryingBytes();
  if (rgbOut.length > MAX_RGB_OUT) {
    throw new LimitExceededError(`rgbOut of ${rgbOut.length} bytes exceeds ${MAX_RGB_OUT}`, {
      limit: "maxRgbOut",
      max: MAX_RGB_OUT,
    });
  }
  if (reader.u32() !== rgbOut.length) throw new ParseError("pcbOut does not match rgbOut");
  const auxOut = readAuxOut(reader);
  const transTime = reader.u32();
  const returnValue = reader.u32();
  expectEnd(reader, "EcDoRpcExt2");
  return { handle, flags, rgbOut, auxOut, transTime, returnValue };
}

/** EcDoDisconnect (opnum 1): [in, out, ref] CXH* in both directions, plus the return value out. */
export function encodeContextHandleStub(handle: ContextHandle): Uint8Array {
  return new NdrWriter(20).contextHandle(handle).finish();
}

export function decodeContextHandleStub(stub: Uint8Array): ContextHandle {
  const reader = new NdrReader(stub);
  const handle = reader.contextHandle();
  return handle;
}

export function encodeHandleAndReturn(handle: ContextHandle, returnValue: number): Uint8Array {
  return new NdrWriter(24).contextHandle(handle).u32(returnValue).finish();
}

export function decodeHandleAndReturn(
  stub: Uint8Array,
  what: string,
): { handle: ContextHandle; returnValue: number } {
  const reader = new NdrReader(stub);
  const handle = reader.contextHandle();
  const returnValue = reader.u32();
  expectEnd(reader, what);
  return { handle, returnValue };
}

/** EcDoAsyncWaitEx (AsyncEMSMDB opnum 0): [in] ACXH, [in] ulFlagsIn; out pulFlagsOut and the return value. */
export function encodeEcDoAsyncWaitExRequest(handle: ContextHandle, flagsIn = 0): Uint8Array {
  return new NdrWriter(24).contextHandle(handle).u32(flagsIn).finish();
}

export function decodeEcDoAsyncWaitExResponse(stub: Uint8Array): { flagsOut: number; returnValue: number } {
  const reader = new NdrReader(stub);
  const flagsOut = reader.u32();
  const returnValue = reader.u32();
  expectEnd(reader, "EcDoAsyncWaitEx");
  return { flagsOut, returnValue };
}

function expectEnd(reader: NdrReader, what: string): void {
  // MIDL may pad the stub to 8 bytes; anything longer is not this method's response.
  if (reader.remaining > 7) {
    throw new ParseError(`${reader.remaining} bytes follow the ${what} response`, { offset: reader.offset });
  }
}
