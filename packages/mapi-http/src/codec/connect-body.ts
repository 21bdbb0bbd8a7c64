import { ByteReader, ByteWriter, ParseError } from "@mailwire/core";
import {
  readAsciiZ,
  readAuxiliary,
  readUnicodeZ,
  writeAsciiZ,
  writeAuxiliary,
  writeUnicodeZ,
} from "./body-fields.js";

/** Connect request body (MS-OXCMAPIHTTP 2.2.4.1.1; the [in] parameters of EcDoConnectEx, MS-OXCRPC 3.1.4.1). */
export interface ConnectRequest {
  /** The user's DN (Autodiscover LegacyDN). */
  readonly userDn: string;
  /** Reserved flags; 0 for a normal user. */
  readonly flags: number;
  readonly defaultCodePage: number;
  readonly lcidSort: number;
  readonly lcidString: number;
  readonly auxiliaryBuffer?: Uint8Array;
}

/** Connect response body: success (2.2.4.1.2) or failure (2.2.4.1.3, StatusCode only). */
export type ConnectResponse =
  | {
      readonly statusCode: 0;
      /** EcDoConnectEx's return value; non-zero means the connect was refused. */
      readonly errorCode: number;
      readonly maximumPollingInterval: number;
      readonly retryCount: number;
      readonly retryDelay: number;
      readonly dnPrefix: string;
      readonly displayName: string;
      readonly auxiliaryBuffer: Uint8Array;
    }
  | { readonly statusCode: number; readonly auxiliaryBuffer: Uint8Array };

export function encodeConnectRequest(request: ConnectRequest): Uint8Array {
  const writer = new ByteWriter(128);
  writeAsciiZ(writer, request.userDn);
  writer.u32(request.flags).u32(request.defaultCodePage).u32(request.lcidSort).u32(request.lcidString);
  writeAuxiliary(writer, request.auxiliaryBuffer);
  return writer.finish().slice();
}

export function decodeConnectRequest(bytes: Uint8Array): ConnectRequest {
  const reader = new ByteReader(bytes);
  const request = {
    userDn: readAsciiZ(reader, "UserDn"),
    flags: reader.u32(),
    defaultCodePage: reader.u32(),
    lcidSort: reader.u32(),
    lcidString: reader.u32(),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "Connect request");
  return request;
}

export function encodeConnectResponse(response: ConnectResponse): Uint8Array {
  const writer = new ByteWriter(128);
  writer.u32(response.statusCode);
  if ("errorCode" in response) {
    writer
      .u32(response.errorCode)
      .u32(response.maximumPollingInterval)
      .u32(response.retryCount)
      .u32(response.retryDelay);
    writeAsciiZ(writer, response.dnPrefix);
    writeUnicodeZ(writer, response.displayName);
  }
  writeAuxiliary(writer, response.auxiliaryBuffer);
  return writer.finish().slice();
}

export function decodeConnectResponse(bytes: Uint8Array): ConnectResponse {
  const reader = new ByteReader(bytes);
  const statusCode = reader.u32();
  if (statusCode !== 0) {
    const failure = { statusCode, auxiliaryBuffer: readAuxiliary(reader) };
    expectEnd(reader, "Connect response");
    return failure;
  }
  const response = {
    statusCode: 0 as const,
    errorCode: reader.u32(),
    maximumPollingInterval: reader.u32(),
    retryCount: reader.u32(),
    retryDelay: reader.u32(),
    dnPrefix: readAsciiZ(reader, "DnPrefix"),
    displayName: readUnicodeZ(reader, "DisplayName"),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "Connect response");
  return response;
}

export function expectEnd(reader: ByteReader, what: string): void {
  if (reader.remaining !== 0) {
    throw new ParseError(`${reader.remaining} bytes follow the ${what} body`, { offset: reader.offset });
  }
}
