import { ByteReader, ByteWriter, LimitExceededError, ParseError } from "@mailwire/core";
import { readAuxiliary, writeAuxiliary } from "./body-fields.js";
import { expectEnd } from "./connect-body.js";
import { MapiHttpLimits } from "./limits.js";

/**
 * Execute Flags (MS-OXCMAPIHTTP 2.2.4.2.1, the pulFlags of EcDoRpcExt2, MS-OXCRPC 3.1.4.2):
 * what the server may do to the response's RPC_HEADER_EXT payloads.
 */
export const ExecuteFlags = {
  NoCompression: 0x00000001,
  NoXorMagic: 0x00000002,
  Chain: 0x00000004,
} as const;

/** Execute request body (2.2.4.2.1). `ropBuffer` already carries its RPC_HEADER_EXT. */
export interface ExecuteRequest {
  readonly flags: number;
  readonly ropBuffer: Uint8Array;
  /** Largest RopBuffer the client accepts back. */
  readonly maxRopOut: number;
  readonly auxiliaryBuffer?: Uint8Array;
}

/** Execute response body: success (2.2.4.2.2) or failure (2.2.4.2.3). */
export type ExecuteResponse =
  | {
      readonly statusCode: 0;
      /** EcDoRpcExt2's return value. */
      readonly errorCode: number;
      readonly flags: number;
      readonly ropBuffer: Uint8Array;
      readonly auxiliaryBuffer: Uint8Array;
    }
  | { readonly statusCode: number; readonly auxiliaryBuffer: Uint8Array };

function readRopBuffer(reader: ByteReader): Uint8Array {
  const offset = reader.offset;
  const size = reader.u32();
  if (size > MapiHttpLimits.maxBodyBytes) {
    throw new LimitExceededError(`RopBufferSize ${size} exceeds ${MapiHttpLimits.maxBodyBytes}`, {
      limit: "maxBodyBytes",
      max: MapiHttpLimits.maxBodyBytes,
    });
  }
  if (size > reader.remaining) throw new ParseError(`RopBufferSize ${size} runs past the body`, { offset });
  return reader.bytesCopy(size);
}

export function encodeExecuteRequest(request: ExecuteRequest): Uint8Array {
  const writer = new ByteWriter(request.ropBuffer.length + 32);
  writer.u32(request.flags).u32(request.ropBuffer.length).bytes(request.ropBuffer).u32(request.maxRopOut);
  writeAuxiliary(writer, request.auxiliaryBuffer);
  return writer.finish().slice();
}

export function decodeExecuteRequest(bytes: Uint8Array): ExecuteRequest {
  const reader = new ByteReader(bytes);
  const request = {
    flags: reader.u32(),
    ropBuffer: readRopBuffer(reader),
    maxRopOut: reader.u32(),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "Execute request");
  return request;
}

export function encodeExecuteResponse(response: ExecuteResponse): Uint8Array {
  const size = "ropBuffer" in response ? response.ropBuffer.length : 0;
  const writer = new ByteWriter(size + 32);
  writer.u32(response.statusCode);
  if ("ropBuffer" in response) {
    writer.u32(response.errorCode).u32(response.flags).u32(size).bytes(response.ropBuffer);
  }
  writeAuxiliary(writer, response.auxiliaryBuffer);
  return writer.finish().slice();
}

export function decodeExecuteResponse(bytes: Uint8Array): ExecuteResponse {
  const reader = new ByteReader(bytes);
  const statusCode = reader.u32();
  if (statusCode !== 0) {
    const failure = { statusCode, auxiliaryBuffer: readAuxiliary(reader) };
    expectEnd(reader, "Execute response");
    return failure;
  }
  const response = {
    statusCode: 0 as const,
    errorCode: reader.u32(),
    flags: reader.u32(),
    ropBuffer: readRopBuffer(reader),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "Execute response");
  return response;
}
