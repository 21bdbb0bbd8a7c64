import { Readable } from "node:stream";
import { ByteReader, ClosedError, fromUtf16le, throwIfAborted } from "@mailwire/core";
import type { PropertyTag } from "../data/property-tag.js";
import { type RecipientRow, readSizedRecipientRow } from "../data/recipient-row.js";
import { RopReturnValue } from "../rops/rop-id.js";
import { StreamOpenMode } from "../rops/stream.js";
import { QueryRowsFlags, TableFlags } from "../rops/table.js";
import { decompressRtf } from "../rtf/compressed-rtf.js";
import { type RtfBody, readRtfBody } from "../rtf/rtf-body.js";
import type { TransportCallOptions } from "./emsmdb-transport.js";
import { MapiRopError } from "./errors.js";
import type { ServerObject } from "./mapi-session.js";
import { RopBatch, type RopBatchResult } from "./rop-batch.js";
import { fileTimeToDate, RowView } from "./row-values.js";
import {
  ATTACHMENT_COLUMNS,
  EC_NOT_ENOUGH_MEMORY,
  MESSAGE_CONTENT_COLUMNS,
  MessageFlag,
  ReadFlags,
  SessionTags,
} from "./session-tags.js";
import type { AttachmentInfo, BodyPart, RecipientInfo, RecipientKind } from "./session-types.js";

export interface OpenMessageOptions extends TransportCallOptions {
  /**
   * PropertySizeLimit of RopGetPropertiesSpecific (MS-OXCROPS 2.2.8.3.1): bodies larger than
   * this come back as "stream" and are read with RopOpenStream/RopReadStream. Default 16 KiB.
   */
  readonly propertySizeLimit?: number;
  /** Bytes asked for per RopReadStream (at most 65000, the response must fit RopSize). Default 30 KiB. */
  readonly streamChunkSize?: number;
}

/** What the session lends an open message so it can run its own batches. */
export interface MessageHost {
  generation(): number;
  send(batch: RopBatch, options: TransportCallOptions): Promise<RopBatchResult>;
  release(object: ServerObject): void;
  checkGeneration(object: ServerObject): void;
}

/** Where each ROP of an open-message batch sits. */
export interface OpenMessagePlan {
  readonly open: number;
  readonly properties: number;
  readonly recipients: number;
  readonly attachmentTable: number;
  readonly attachmentColumns: number;
  readonly attachmentRows: number;
  readonly messageSlot: number;
  readonly attachmentTableSlot: number;
  readonly streamChunkSize: number;
}

const DEFAULT_SIZE_LIMIT = 16 * 1024;
/** ecNotFound (MS-OXCDATA 2.4): the property is not set. */
const EC_NOT_FOUND = 0x8004010f;
const DEFAULT_CHUNK = 30 * 1024;
const MAX_CHUNK = 65000;
/** A RopQueryRows row count large enough for any attachment table read in one go. */
const ATTACHMENT_ROWS = 255;

/** PidTagRecipientType values (MS-OXOMSG 2.2.3.1). */
function recipientKind(type: number): RecipientKind {
  switch (type & 0x0f) {
    case 1:
      return "to";
    case 2:
      return "cc";
    case 3:
      return "bcc";
    default:
      return "other";
  }
}

/** Queues OpenMessage, GetPropertiesSpecific, ReadRecipients and the attachment table into one batch. */
export function queueOpenMessage(
  batch: RopBatch,
  inputSlot: number,
  folderId: bigint,
  messageId: bigint,
  options: OpenMessageOptions,
): OpenMessagePlan {
  const streamChunkSize = Math.min(options.streamChunkSize ?? DEFAULT_CHUNK, MAX_CHUNK);
  const messageSlot = batch.output();
  const attachmentTableSlot = batch.output();
  const open = batch.add({
    rop: "RopOpenMessage",
    logonId: 0,
    inputHandleIndex: inputSlot,
    outputHandleIndex: messageSlot,
    codePageId: 0x0fff, // "use the logon's code page" (MS-OXCROPS 2.2.6.1.1)
    folderId,
    openModeFlags: 0,
    messageId,
  });
  const properties = batch.add({
    rop: "RopGetPropertiesSpecific",
    logonId: 0,
    inputHandleIndex: messageSlot,
    propertySizeLimit: Math.min(options.propertySizeLimit ?? DEFAULT_SIZE_LIMIT, 0xffff),
    wantUnicode: 1,
    propertyTags: [...MESSAGE_CONTENT_COLUMNS],
  });
  const recipients = batch.add({
    rop: "RopReadRecipients",
    logonId: 0,
    inputHandleIndex: messageSlot,
    rowId: 0,
    reserved: 0,
  });
  const attachmentTable = batch.add({
    rop: "RopGetAttachmentTable",
    logonId: 0,
    inputHandleIndex: messageSlot,
    outputHandleIndex: attachmentTableSlot,
    tableFlags: TableFlags.UseUnicode,
  });
  const attachmentColumns = batch.add({
    rop: "RopSetColumns",
    logonId: 0,
    inputHandleIndex: attachmentTableSlot,
    setColumnsFlags: 0,
    propertyTags: [...ATTACHMENT_COLUMNS],
  });
  const attachmentRows = batch.add({
    rop: "RopQueryRows",
    logonId: 0,
    inputHandleIndex: attachmentTableSlot,
    queryRowsFlags: QueryRowsFlags.Advance,
    forwardRead: true,
    rowCount: ATTACHMENT_ROWS,
    columns: [...ATTACHMENT_COLUMNS],
  });
  batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: attachmentTableSlot });
  return {
    open,
    properties,
    recipients,
    attachmentTable,
    attachmentColumns,
    attachmentRows,
    messageSlot,
    attachmentTableSlot,
    streamChunkSize,
  };
}

function bodyPart<T>(row: RowView, tag: PropertyTag, accept: (v: unknown) => v is T): BodyPart<T> {
  const value = row.value(tag);
  if (accept(value)) return { kind: "inline", value };
  if (row.errorCode(tag) === EC_NOT_ENOUGH_MEMORY) return { kind: "stream" };
  return { kind: "absent" };
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function recipientInfo(rowId: number, type: number, row: RecipientRow): RecipientInfo {
  return {
    rowId,
    kind: recipientKind(type),
    displayName: row.displayName ?? row.simpleDisplayName ?? row.transmittableDisplayName,
    emailAddress: row.emailAddress ?? row.x500Dn,
  };
}

/** Reads the responses of `queueOpenMessage`'s batch into a `MapiMessage`. */
export function readMessageBatch(
  host: MessageHost,
  result: RopBatchResult,
  plan: OpenMessagePlan,
  folderId: bigint,
  messageId: bigint,
): MapiMessage {
  const opened = result.response(plan.open, "RopOpenMessage");
  const message = { handle: result.handle(plan.messageSlot), generation: host.generation() };
  try {
    const props = result.response(plan.properties, "RopGetPropertiesSpecific");
    const row = new RowView([...MESSAGE_CONTENT_COLUMNS], props.row ?? { flagged: false, cells: [] });
    const recipientColumns = opened.recipientColumns ?? [];
    const recipients: RecipientInfo[] = [];
    const read = result.maybeFailed(plan.recipients, "RopReadRecipients");
    if (read.returnValue === RopReturnValue.Success) {
      for (const r of read.recipientRows ?? []) {
        // The columns arrived in this same batch (RopOpenMessage), so the rows are decoded here.
        const decoded =
          r.recipientRow instanceof Uint8Array
            ? readSizedRecipientRow(new ByteReader(r.recipientRow), r.recipientRow.length, recipientColumns)
            : r.recipientRow;
        recipients.push(recipientInfo(r.rowId, r.recipientType, decoded));
      }
    } else if (read.returnValue !== EC_NOT_FOUND /* no recipients */) {
      throw new MapiRopError("RopReadRecipients", read.returnValue);
    }
    result.response(plan.attachmentTable, "RopGetAttachmentTable");
    result.response(plan.attachmentColumns, "RopSetColumns");
    const attachmentRows = result.response(plan.attachmentRows, "RopQueryRows").rows ?? [];
    const attachments: AttachmentInfo[] = attachmentRows.map((cells) => {
      const a = new RowView([...ATTACHMENT_COLUMNS], cells);
      return {
        attachmentNumber: a.number(SessionTags.PidTagAttachNumber) ?? 0,
        fileName: a.string(SessionTags.PidTagAttachLongFilename),
        size: a.number(SessionTags.PidTagAttachSize),
        mimeType: a.string(SessionTags.PidTagAttachMimeTag),
        contentId: a.string(SessionTags.PidTagAttachContentId),
      };
    });
    const subject = row.string(SessionTags.PidTagSubject) ?? opened.normalizedSubject?.value ?? "";
    return new MapiMessage(host, message, plan.streamChunkSize, {
      folderId,
      messageId,
      subject,
      senderName: row.string(SessionTags.PidTagSenderName),
      senderEmailAddress: row.string(SessionTags.PidTagSenderEmailAddress),
      deliveryTime: fileTimeToDate(row.value(SessionTags.PidTagMessageDeliveryTime)),
      read: ((row.number(SessionTags.PidTagMessageFlags) ?? 0) & MessageFlag.mfRead) !== 0,
      internetMessageId: row.string(SessionTags.PidTagInternetMessageId),
      body: bodyPart(row, SessionTags.PidTagBody, isString),
      html: bodyPart(row, SessionTags.PidTagHtml, isBytes),
      recipients,
      attachments,
    });
  } catch (error) {
    host.release(message);
    throw error;
  }
}

export interface MessageContent {
  readonly folderId: bigint;
  readonly messageId: bigint;
  readonly subject: string;
  readonly senderName: string | undefined;
  readonly senderEmailAddress: string | undefined;
  readonly deliveryTime: Date | undefined;
  readonly read: boolean;
  readonly internetMessageId: string | undefined;
  /** PidTagBody (text). */
  readonly body: BodyPart<string>;
  /** PidTagHtml, bytes in the message's code page (UTF-8 for Internet mail). */
  readonly html: BodyPart<Uint8Array>;
  readonly recipients: readonly RecipientInfo[];
  readonly attachments: readonly AttachmentInfo[];
}

/**
 * An open message: its content as read by `MapiSession.openMessage`, plus streams for large
 * bodies and attachments, all over the message's server handle. `close()` releases it.
 */
export class MapiMessage implements AsyncDisposable {
  readonly #host: MessageHost;
  readonly #object: ServerObject;
  readonly #chunk: number;
  #closed = false;
  #rtf: Promise<(RtfBody & { rtf: Uint8Array }) | undefined> | undefined;
  readonly content: MessageContent;

  constructor(host: MessageHost, object: ServerObject, chunk: number, content: MessageContent) {
    this.#host = host;
    this.#object = object;
    this.#chunk = chunk;
    this.content = content;
  }

  /**
   * The text body, read from a stream when it was too large for the properties. A message
   * with neither a text nor an HTML body gets the text of its RTF body (PidTagRtfCompressed),
   * unless that RTF encapsulates HTML (then see `bodyHtml`).
   */
  async bodyText(options: TransportCallOptions = {}): Promise<string | undefined> {
    const body = this.content.body;
    if (body.kind === "inline") return body.value;
    if (body.kind === "stream") {
      return fromUtf16le(await collect(this.openPropertyStream(SessionTags.PidTagBody, options)));
    }
    if (this.content.html.kind !== "absent") return undefined;
    const rtf = await this.bodyRtf(options);
    return rtf && rtf.format !== "html" ? rtf.text : undefined;
  }

  /**
   * The HTML body bytes, inline or streamed. A message whose only body is RTF with HTML
   * encapsulated in it (MS-OXRTFEX `\fromhtml1`) gets that HTML back, as UTF-8.
   */
  async bodyHtml(options: TransportCallOptions = {}): Promise<Uint8Array | undefined> {
    const html = this.content.html;
    if (html.kind === "inline") return html.value;
    if (html.kind === "stream") return collect(this.openPropertyStream(SessionTags.PidTagHtml, options));
    if (this.content.body.kind !== "absent") return undefined;
    const rtf = await this.bodyRtf(options);
    return rtf?.format === "html" && rtf.html !== undefined ? new TextEncoder().encode(rtf.html) : undefined;
  }

  /**
   * The RTF body (PidTagRtfCompressed, read as a stream and decompressed, MS-OXRTFCP) and what
   * it carries; undefined when the message has none. Read once, then remembered.
   */
  async bodyRtf(options: TransportCallOptions = {}): Promise<(RtfBody & { rtf: Uint8Array }) | undefined> {
    this.#rtf ??= this.#readRtf(options).catch((error: unknown) => {
      this.#rtf = undefined;
      throw error;
    });
    return this.#rtf;
  }

  async #readRtf(options: TransportCallOptions): Promise<(RtfBody & { rtf: Uint8Array }) | undefined> {
    let compressed: Uint8Array;
    try {
      compressed = await collect(this.openPropertyStream(SessionTags.PidTagRtfCompressed, options));
    } catch (error) {
      if (error instanceof MapiRopError && error.returnValue === EC_NOT_FOUND) return undefined;
      throw error;
    }
    const rtf = decompressRtf(compressed);
    return { ...readRtfBody(rtf), rtf };
  }

  /** A property of the message as a byte stream (RopOpenStream + RopReadStream, MS-OXCPRPT 3.2.5.10). */
  openPropertyStream(tag: PropertyTag, options: TransportCallOptions = {}): Readable {
    return Readable.from(this.#readStream(tag, undefined, options), { objectMode: false });
  }

  /** An attachment's content (PidTagAttachDataBinary) as a byte stream. */
  openAttachmentStream(attachmentNumber: number, options: TransportCallOptions = {}): Readable {
    return Readable.from(this.#readStream(SessionTags.PidTagAttachDataBinary, attachmentNumber, options), {
      objectMode: false,
    });
  }

  /** RopSetMessageReadFlag on this message (MS-OXCMSG 2.2.3.11). */
  async markRead(read = true, options: TransportCallOptions = {}): Promise<boolean> {
    this.#check();
    const batch = new RopBatch();
    const slot = batch.input(this.#object.handle);
    const at = batch.add({
      rop: "RopSetMessageReadFlag",
      logonId: 0,
      responseHandleIndex: slot,
      inputHandleIndex: slot,
      readFlags: read ? ReadFlags.rfSuppressReceipt : ReadFlags.rfClearReadFlag,
    });
    const result = await this.#host.send(batch, options);
    return result.response(at, "RopSetMessageReadFlag").readStatusChanged ?? false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.release(this.#object);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  #check(): void {
    if (this.#closed) throw new ClosedError("The message is closed");
    this.#host.checkGeneration(this.#object);
  }

  async *#readStream(
    tag: PropertyTag,
    attachmentNumber: number | undefined,
    options: TransportCallOptions,
  ): AsyncGenerator<Uint8Array> {
    this.#check();
    throwIfAborted(options.signal);
    const batch = new RopBatch();
    let parentSlot = batch.input(this.#object.handle);
    let attachmentSlot: number | undefined;
    let openAttachment: number | undefined;
    if (attachmentNumber !== undefined) {
      attachmentSlot = batch.output();
      openAttachment = batch.add({
        rop: "RopOpenAttachment",
        logonId: 0,
        inputHandleIndex: parentSlot,
        outputHandleIndex: attachmentSlot,
        openAttachmentFlags: 0,
        attachmentId: attachmentNumber,
      });
      parentSlot = attachmentSlot;
    }
    const streamSlot = batch.output();
    const open = batch.add({
      rop: "RopOpenStream",
      logonId: 0,
      inputHandleIndex: parentSlot,
      outputHandleIndex: streamSlot,
      propertyTag: tag,
      openModeFlags: StreamOpenMode.ReadOnly,
    });
    const first = batch.add({
      rop: "RopReadStream",
      logonId: 0,
      inputHandleIndex: streamSlot,
      byteCount: this.#chunk,
    });
    const result = await this.#host.send(batch, options);
    const generation = this.#host.generation();
    const held: ServerObject[] = [];
    try {
      if (openAttachment !== undefined && attachmentSlot !== undefined) {
        result.response(openAttachment, "RopOpenAttachment");
        held.push({ handle: result.handle(attachmentSlot), generation });
      }
      const size = result.response(open, "RopOpenStream").streamSize ?? 0;
      const stream = { handle: result.handle(streamSlot), generation };
      held.unshift(stream);
      let chunk = result.response(first, "RopReadStream").data ?? new Uint8Array(0);
      let total = 0;
      for (;;) {
        if (chunk.length > 0) {
          total += chunk.length;
          yield chunk;
        }
        if (chunk.length === 0 || total >= size) return;
        this.#host.checkGeneration(stream);
        const next = new RopBatch();
        const at = next.add({
          rop: "RopReadStream",
          logonId: 0,
          inputHandleIndex: next.input(stream.handle),
          byteCount: this.#chunk,
        });
        chunk =
          (await this.#host.send(next, options)).response(at, "RopReadStream").data ?? new Uint8Array(0);
      }
    } finally {
      for (const object of held) this.#host.release(object);
    }
  }
}

async function collect(stream: Readable): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}
