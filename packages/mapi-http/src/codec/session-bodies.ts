import { ByteReader, ByteWriter } from "@mailwire/core";
import { readAuxiliary, writeAuxiliary } from "./body-fields.js";
import { expectEnd } from "./connect-body.js";

// The small bodies: Disconnect (MS-OXCMAPIHTTP 2.2.4.3) and NotificationWait (2.2.4.4).

/** Disconnect request body: only an auxiliary buffer. */
export function encodeDisconnectRequest(auxiliaryBuffer?: Uint8Array): Uint8Array {
  const writer = new ByteWriter(8);
  writeAuxiliary(writer, auxiliaryBuffer);
  return writer.finish().slice();
}

/** Disconnect and NotificationWait responses: StatusCode, then ErrorCode and more on success. */
export interface StatusResponse {
  readonly statusCode: number;
  /** Present when statusCode is 0. */
  readonly errorCode?: number;
  /** NotificationWait only: non-zero when events are waiting (2.2.4.4.2 EventPending). */
  readonly eventPending?: number;
  readonly auxiliaryBuffer: Uint8Array;
}

export function decodeDisconnectResponse(bytes: Uint8Array): StatusResponse {
  const reader = new ByteReader(bytes);
  const statusCode = reader.u32();
  const errorCode = statusCode === 0 ? reader.u32() : undefined;
  const response = {
    statusCode,
    ...(errorCode === undefined ? {} : { errorCode }),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "Disconnect response");
  return response;
}

export function encodeDisconnectResponse(response: StatusResponse): Uint8Array {
  const writer = new ByteWriter(16);
  writer.u32(response.statusCode);
  if (response.statusCode === 0) writer.u32(response.errorCode ?? 0);
  writeAuxiliary(writer, response.auxiliaryBuffer);
  return writer.finish().slice();
}

/** NotificationWait request body: Flags (reserved, 0) and an auxiliary buffer. */
export function encodeNotificationWaitRequest(auxiliaryBuffer?: Uint8Array): Uint8Array {
  const writer = new ByteWriter(8);
  writer.u32(0);
  writeAuxiliary(writer, auxiliaryBuffer);
  return writer.finish().slice();
}

export function decodeNotificationWaitResponse(bytes: Uint8Array): StatusResponse {
  const reader = new ByteReader(bytes);
  const statusCode = reader.u32();
  if (statusCode !== 0) {
    const failure = { statusCode, auxiliaryBuffer: readAuxiliary(reader) };
    expectEnd(reader, "NotificationWait response");
    return failure;
  }
  const response = {
    statusCode,
    errorCode: reader.u32(),
    eventPending: reader.u32(),
    auxiliaryBuffer: readAuxiliary(reader),
  };
  expectEnd(reader, "NotificationWait response");
  return response;
}

export function encodeNotificationWaitResponse(response: StatusResponse): Uint8Array {
  const writer = new ByteWriter(16);
  writer.u32(response.statusCode);
  if (response.statusCode === 0) writer.u32(response.errorCode ?? 0).u32(response.eventPending ?? 0);
  writeAuxiliary(writer, response.auxiliaryBuffer);
  return writer.finish().slice();
}
