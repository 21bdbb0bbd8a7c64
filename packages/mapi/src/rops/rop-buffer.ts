import { ByteReader, ByteWriter, InvalidArgumentError, LimitExceededError, ParseError } from "@mailwire/core";
import type { PropertyTag } from "../data/property-tag.js";
import { MapiLimits } from "../limits.js";
import {
  ropCreateAttachment,
  ropGetAttachmentTable,
  ropOpenAttachment,
  ropSaveChangesAttachment,
} from "./attachment.js";
import type { BackoffRop, RopBackoffResponse, RopBufferTooSmallResponse } from "./errors.js";
import {
  ropCreateFolder,
  ropDeleteFolder,
  ropDeleteMessages,
  ropGetContentsTable,
  ropGetHierarchyTable,
  ropHardDeleteMessages,
  ropMoveCopyMessages,
  ropOpenFolder,
} from "./folder.js";
import { ropGetReceiveFolder, ropLogon, ropRelease } from "./logon.js";
import {
  ropCreateMessage,
  ropModifyRecipients,
  ropOpenMessage,
  ropReadRecipients,
  ropSaveChangesMessage,
  ropSetMessageReadFlag,
  ropSetReadFlags,
  ropSubmitMessage,
} from "./message.js";
import { ropGetNamesFromPropertyIds, ropGetPropertyIdsFromNames } from "./named-properties.js";
import {
  type RopNotifyResponse,
  type RopPendingResponse,
  readNotificationData,
  ropRegisterNotification,
  writeNotificationData,
} from "./notification.js";
import {
  ropDeleteProperties,
  ropGetPropertiesAll,
  ropGetPropertiesList,
  ropGetPropertiesSpecific,
  ropSetProperties,
} from "./properties.js";
import type { RopDefinition, RopResponseContext } from "./rop-definition.js";
import { RopId } from "./rop-id.js";
import { ropCommitStream, ropGetStreamSize, ropOpenStream, ropReadStream, ropWriteStream } from "./stream.js";
import {
  ropFindRow,
  ropQueryPosition,
  ropQueryRows,
  ropResetTable,
  ropRestrict,
  ropSeekRow,
  ropSetColumns,
  ropSortTable,
} from "./table.js";

/** Every request/response pair this codec knows, one entry per ROP. */
const DEFINITIONS = [
  ropLogon,
  ropRelease,
  ropGetReceiveFolder,
  ropOpenFolder,
  ropCreateFolder,
  ropDeleteFolder,
  ropGetHierarchyTable,
  ropGetContentsTable,
  ropDeleteMessages,
  ropHardDeleteMessages,
  ropMoveCopyMessages,
  ropSetColumns,
  ropSortTable,
  ropRestrict,
  ropQueryRows,
  ropQueryPosition,
  ropSeekRow,
  ropResetTable,
  ropFindRow,
  ropGetPropertiesSpecific,
  ropGetPropertiesAll,
  ropGetPropertiesList,
  ropSetProperties,
  ropDeleteProperties,
  ropOpenMessage,
  ropCreateMessage,
  ropSaveChangesMessage,
  ropSubmitMessage,
  ropSetReadFlags,
  ropSetMessageReadFlag,
  ropModifyRecipients,
  ropReadRecipients,
  ropGetAttachmentTable,
  ropOpenAttachment,
  ropCreateAttachment,
  ropSaveChangesAttachment,
  ropOpenStream,
  ropReadStream,
  ropWriteStream,
  ropCommitStream,
  ropGetStreamSize,
  ropGetPropertyIdsFromNames,
  ropGetNamesFromPropertyIds,
  ropRegisterNotification,
] as const;

type Definitions = (typeof DEFINITIONS)[number];
type RequestOf<D> = D extends RopDefinition<infer Q, unknown> ? Q : never;
type ResponseOf<D> = D extends RopDefinition<unknown, infer R> ? R : never;

/** Any ROP request this codec encodes, discriminated by `rop`. */
export type RopRequest = RequestOf<Definitions>;
/** A response that answers a request. */
export type RopAnswer = Exclude<ResponseOf<Definitions>, undefined>;
/** Anything a ROP response buffer may hold: answers, plus the server-initiated responses. */
export type RopResponse =
  | RopAnswer
  | RopNotifyResponse
  | RopPendingResponse
  | RopBackoffResponse
  | RopBufferTooSmallResponse;

const BY_NAME = new Map<string, RopDefinition<unknown, unknown>>(
  DEFINITIONS.map((d) => [d.name, d as unknown as RopDefinition<unknown, unknown>]),
);
const BY_ID = new Map<number, RopDefinition<unknown, unknown>>(
  DEFINITIONS.map((d) => [d.ropId, d as unknown as RopDefinition<unknown, unknown>]),
);

/** The ROPs the codec implements, by name. */
export const supportedRops: readonly string[] = DEFINITIONS.map((d) => d.name);

function definitionFor(request: { readonly rop: string }): RopDefinition<unknown, unknown> {
  const definition = BY_NAME.get(request.rop);
  if (!definition) throw new InvalidArgumentError(`Unsupported ROP ${request.rop}`);
  return definition;
}

/** A ROP request buffer (MS-OXCROPS 2.2.1): the ROPs and the server object handle table. */
export interface RopRequestBuffer {
  readonly rops: readonly RopRequest[];
  /** Server object handles, addressed by the ROPs' handle indexes; 0xFFFFFFFF for "none yet". */
  readonly handles: readonly number[];
}

/** RopSize (2 bytes, counting itself and the ROPs), the ROPs, then the handle table. */
export function encodeRopRequestBuffer(buffer: RopRequestBuffer): Uint8Array {
  if (buffer.handles.length > MapiLimits.maxServerObjectHandles) {
    throw new InvalidArgumentError(`At most ${MapiLimits.maxServerObjectHandles} server object handles`);
  }
  const writer = new ByteWriter(256);
  writer.u16(0);
  for (const rop of buffer.rops) {
    const definition = definitionFor(rop);
    writer.u8(definition.ropId);
    definition.writeRequest(writer, rop);
  }
  if (writer.offset > 0xffff) throw new InvalidArgumentError("The ROPs exceed the 65535-byte RopSize");
  writer.patchU16(0, writer.offset);
  for (const handle of buffer.handles) writer.u32(handle);
  return writer.finish().slice();
}

interface SplitBuffer {
  readonly rops: ByteReader;
  readonly handles: number[];
}

function splitBuffer(bytes: Uint8Array): SplitBuffer {
  const reader = new ByteReader(bytes);
  const ropSize = reader.u16();
  if (ropSize < 2 || ropSize > bytes.length) {
    throw new ParseError(`RopSize ${ropSize} does not fit the ${bytes.length}-byte buffer`, { offset: 0 });
  }
  const tableBytes = bytes.length - ropSize;
  if (tableBytes % 4 !== 0) {
    throw new ParseError(`The server object handle table is ${tableBytes} bytes, not a multiple of 4`, {
      offset: ropSize,
    });
  }
  if (tableBytes / 4 > MapiLimits.maxServerObjectHandles) {
    throw new LimitExceededError(`More than ${MapiLimits.maxServerObjectHandles} server object handles`, {
      limit: "maxServerObjectHandles",
      max: MapiLimits.maxServerObjectHandles,
    });
  }
  const table = new ByteReader(bytes, ropSize);
  const handles: number[] = [];
  while (table.remaining > 0) handles.push(table.u32());
  return { rops: new ByteReader(bytes, 2, ropSize), handles };
}

/** The server side (and tests): reads a request buffer back into ROPs. */
export function decodeRopRequestBuffer(bytes: Uint8Array): RopRequestBuffer {
  const { rops: reader, handles } = splitBuffer(bytes);
  const rops: RopRequest[] = [];
  while (reader.remaining > 0) {
    const offset = reader.offset;
    const ropId = reader.u8();
    const definition = BY_ID.get(ropId);
    if (!definition) throw new ParseError(`Unsupported RopId 0x${ropId.toString(16)}`, { offset });
    rops.push(definition.readRequest(reader) as RopRequest);
  }
  return { rops, handles };
}

export interface RopResponseBuffer {
  readonly responses: readonly RopResponse[];
  readonly handles: readonly number[];
}

export interface DecodeRopResponseOptions {
  /**
   * Columns of tables set up in earlier calls, by the handle index the QueryRows/FindRow uses
   * in this batch. Consulted after the request's own `columns` and a RopSetColumns earlier in
   * the same batch.
   */
  readonly tableColumns?: (inputHandleIndex: number) => readonly PropertyTag[] | undefined;
}

function contextFor(
  request: RopRequest,
  earlier: readonly RopRequest[],
  options: DecodeRopResponseOptions,
): RopResponseContext {
  if (request.rop !== "RopQueryRows" && request.rop !== "RopFindRow") return { tableColumns: undefined };
  if (request.columns) return { tableColumns: request.columns };
  for (let i = earlier.length - 1; i >= 0; i--) {
    const previous = earlier[i] as RopRequest;
    if (previous.rop === "RopSetColumns" && previous.inputHandleIndex === request.inputHandleIndex) {
      return { tableColumns: previous.propertyTags };
    }
  }
  return { tableColumns: options.tableColumns?.(request.inputHandleIndex) };
}

function readBackoff(reader: ByteReader): RopBackoffResponse {
  const logonId = reader.u8();
  const duration = reader.u32();
  const count = reader.u8();
  reader.need(count * 5, "BackoffRopData");
  const backoffRops: BackoffRop[] = [];
  for (let i = 0; i < count; i++) backoffRops.push({ ropIdBackoff: reader.u8(), duration: reader.u32() });
  const additionalData = reader.bytesCopy(reader.u16());
  return { rop: "RopBackoff", logonId, duration, backoffRops, additionalData };
}

/**
 * Reads a ROP response buffer against the requests it answers, in order. Responses need
 * their request: a QueryRows row is laid out by the columns, a Logon success by the
 * request's flags. RopRelease gets no response; RopNotify, RopPending and RopBackoff may
 * appear anywhere; RopBufferTooSmall ends the buffer.
 */
export function decodeRopResponseBuffer(
  bytes: Uint8Array,
  requests: readonly RopRequest[],
  options: DecodeRopResponseOptions = {},
): RopResponseBuffer {
  const { rops: reader, handles } = splitBuffer(bytes);
  const responses: RopResponse[] = [];
  let next = 0;
  while (reader.remaining > 0) {
    const offset = reader.offset;
    const ropId = reader.u8();
    if (ropId === RopId.RopNotify) {
      const notificationHandle = reader.u32();
      const logonId = reader.u8();
      responses.push({
        rop: "RopNotify",
        notificationHandle,
        logonId,
        notificationData: readNotificationData(reader),
      });
      continue;
    }
    if (ropId === RopId.RopPending) {
      responses.push({ rop: "RopPending", sessionIndex: reader.u16() });
      continue;
    }
    if (ropId === RopId.RopBackoff) {
      responses.push(readBackoff(reader));
      continue;
    }
    if (ropId === RopId.RopBufferTooSmall) {
      const sizeNeeded = reader.u16();
      responses.push({
        rop: "RopBufferTooSmall",
        sizeNeeded,
        requestBuffers: reader.bytesCopy(reader.remaining),
      });
      break;
    }
    // Skip requests that never get a response (RopRelease).
    while (next < requests.length && !definitionFor(requests[next] as RopRequest).response) next++;
    const request = requests[next];
    if (request === undefined) {
      throw new ParseError(`Response RopId 0x${ropId.toString(16)} answers no outstanding request`, {
        offset,
      });
    }
    const definition = definitionFor(request);
    if (definition.ropId !== ropId) {
      throw new ParseError(`Response RopId 0x${ropId.toString(16)} where ${definition.name} was expected`, {
        offset,
      });
    }
    const header = { handleIndex: reader.u8(), returnValue: reader.u32() };
    const context = contextFor(request, requests.slice(0, next), options);
    responses.push(definition.response?.read(reader, header, request, context) as RopResponse);
    next++;
  }
  return { responses, handles };
}

/**
 * The server side of `decodeRopResponseBuffer` (for simulators and tests): answers are
 * matched to `requests` the same way.
 */
export function encodeRopResponseBuffer(
  buffer: RopResponseBuffer,
  requests: readonly RopRequest[],
  options: DecodeRopResponseOptions = {},
): Uint8Array {
  const writer = new ByteWriter(256);
  writer.u16(0);
  let next = 0;
  for (const response of buffer.responses) {
    switch (response.rop) {
      case "RopNotify":
        writer.u8(RopId.RopNotify).u32(response.notificationHandle).u8(response.logonId);
        writeNotificationData(writer, response.notificationData);
        continue;
      case "RopPending":
        writer.u8(RopId.RopPending).u16(response.sessionIndex);
        continue;
      case "RopBackoff":
        writer
          .u8(RopId.RopBackoff)
          .u8(response.logonId)
          .u32(response.duration)
          .u8(response.backoffRops.length);
        for (const b of response.backoffRops) writer.u8(b.ropIdBackoff).u32(b.duration);
        writer.u16(response.additionalData.length).bytes(response.additionalData);
        continue;
      case "RopBufferTooSmall":
        writer.u8(RopId.RopBufferTooSmall).u16(response.sizeNeeded).bytes(response.requestBuffers);
        continue;
    }
    while (next < requests.length && !definitionFor(requests[next] as RopRequest).response) next++;
    const request = requests[next];
    if (request === undefined || request.rop !== response.rop) {
      throw new InvalidArgumentError(`${response.rop} does not answer the next request`);
    }
    const definition = definitionFor(request);
    writer.u8(definition.ropId).u8(response.handleIndex).u32(response.returnValue);
    definition.response?.write(
      writer,
      response,
      request,
      contextFor(request, requests.slice(0, next), options),
    );
    next++;
  }
  if (writer.offset > 0xffff) throw new InvalidArgumentError("The responses exceed the 65535-byte RopSize");
  writer.patchU16(0, writer.offset);
  for (const handle of buffer.handles) writer.u32(handle);
  return writer.finish().slice();
}
