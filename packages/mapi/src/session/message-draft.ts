import { InvalidArgumentError, ProtocolError } from "@mailwire/core";
import type { PropertyProblem } from "../data/property-problem.js";
import type { PropertyTag } from "../data/property-tag.js";
import type { TaggedPropertyValue } from "../data/property-value.js";
import { RecipientAddressType, RecipientFlag, type RecipientRow } from "../data/recipient-row.js";
import { StreamOpenMode } from "../rops/stream.js";
import type { TransportCallOptions } from "./emsmdb-transport.js";
import { MapiRopError } from "./errors.js";
import type { ServerObject } from "./mapi-session.js";
import { RopBatch, type RopBatchResult } from "./rop-batch.js";
import { SessionTags } from "./session-tags.js";

/** A recipient of a new message: an SMTP address, optionally with a display name. */
export interface NewRecipient {
  readonly address: string;
  readonly name?: string;
}

export interface NewAttachment {
  readonly fileName: string;
  readonly data: Uint8Array;
  readonly mimeType?: string;
  /** Content-ID (without angle brackets) for an inline image the HTML body refers to. */
  readonly contentId?: string;
}

/** What `MapiSession.sendMessage`/`saveMessage` create. */
export interface NewMessage {
  readonly subject: string;
  readonly to?: readonly NewRecipient[];
  readonly cc?: readonly NewRecipient[];
  readonly bcc?: readonly NewRecipient[];
  /** PidTagBody. */
  readonly body?: string;
  /** PidTagHtml: a string is stored as UTF-8. */
  readonly html?: string | Uint8Array;
  /** PidTagRtfCompressed, already compressed (see `compressRtf`). */
  readonly rtfCompressed?: Uint8Array;
  readonly attachments?: readonly NewAttachment[];
  /** Further properties, set as they are (PidTagMessageClass defaults to IPM.Note). */
  readonly properties?: readonly TaggedPropertyValue[];
}

/** MS-OXPROPS tags only message creation sets. */
export const DraftTags = {
  PidTagDeleteAfterSubmit: 0x0e01000b,
  /** PtypServerId of the folder the sent message is moved to (MS-OXOMSG 2.2.3.1). */
  PidTagSentMailServerId: 0x674000fb,
  PidTagAttachMethod: 0x37050003,
  PidTagAttachMimeTag: 0x370e001f,
  PidTagAttachContentId: 0x3712001f,
  PidTagAttachFilename: 0x3704001f,
} as const;

/** Values at most this long travel in RopSetProperties; longer ones through a stream. */
const INLINE_VALUE_LIMIT = 8 * 1024;
/** Bytes per RopWriteStream, and of stream data per Execute (request buffers stay under 32 KiB). */
const WRITE_CHUNK = 16 * 1024;
const DATA_PER_BATCH = 24 * 1024;
/** RopSaveChangesMessage/Attachment SaveFlags KeepOpenReadWrite (MS-OXCROPS 2.2.6.3.1). */
const KEEP_OPEN_READ_WRITE = 0x02;
const RECIPIENT_TYPE = { to: 1, cc: 2, bcc: 3 } as const;
/** ecNotFound-free default code page: "the logon's" (MS-OXCROPS 2.2.6.2.1). */
const LOGON_CODE_PAGE = 0x0fff;

/** What the session lends message creation so it can run its batches. */
export interface DraftHost {
  generation(): number;
  send(batch: RopBatch, options: TransportCallOptions): Promise<RopBatchResult>;
  release(object: ServerObject): void;
}

interface PendingStream {
  /** Index into `attachments`, or -1 for the message itself. */
  readonly owner: number;
  readonly tag: PropertyTag;
  readonly data: Uint8Array;
  slot?: number;
  object?: ServerObject | undefined;
  at?: number;
  written: number;
}

/** A PtypServerId naming a folder (MS-OXCDATA 2.11.1.4): Ours=1, FID, MID 0, instance 0. */
export function folderServerId(folderId: bigint): Uint8Array {
  const bytes = new Uint8Array(21);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x01;
  view.setBigUint64(1, folderId, true);
  return bytes;
}

function smtpRecipient(recipient: NewRecipient): RecipientRow {
  if (!recipient.address.includes("@")) {
    throw new InvalidArgumentError(`Recipient address "${recipient.address}" is not an SMTP address`);
  }
  // Type SMTP with Unicode display name and address (MS-OXCDATA 2.8.3.1).
  return {
    recipientFlags:
      RecipientAddressType.SMTP | RecipientFlag.E | RecipientFlag.D | RecipientFlag.U | RecipientFlag.N,
    emailAddress: recipient.address,
    displayName: recipient.name ?? recipient.address,
    recipientColumnCount: 0,
    recipientProperties: { flagged: false, cells: [] },
  };
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return value.length * 2;
  if (value instanceof Uint8Array) return value.length;
  return 8;
}

/** Moves a large string or binary value out of `values` into a stream to write. */
function splitLarge(
  values: TaggedPropertyValue[],
  owner: number,
  streams: PendingStream[],
): TaggedPropertyValue[] {
  return values.filter((entry) => {
    if (valueSize(entry.value) <= INLINE_VALUE_LIMIT) return true;
    const data =
      typeof entry.value === "string"
        ? Buffer.from(entry.value, "utf16le") // string properties stream as UTF-16LE (MS-OXCPRPT 2.2.14)
        : (entry.value as Uint8Array);
    streams.push({ owner, tag: entry.tag, data, written: 0 });
    return false;
  });
}

/**
 * Creates a message in `folderId` and saves it, optionally submitting it
 * (MS-OXCMSG 3.1.4.1, MS-OXOMSG 3.1.4.1): RopCreateMessage, RopSetProperties,
 * RopModifyRecipients, per attachment RopCreateAttachment + RopSetProperties, large values
 * through RopOpenStream/RopWriteStream/RopCommitStream, RopSaveChangesAttachment,
 * RopSaveChangesMessage, RopSubmitMessage. A small message is one Execute; stream data goes
 * in further Executes of at most 24 KiB. Nothing is saved unless every step succeeded.
 */
export async function createMessage(
  host: DraftHost,
  logonHandle: number,
  folderId: bigint,
  message: NewMessage,
  options: TransportCallOptions & { readonly submit?: ServerSubmit },
): Promise<{ messageId: bigint; executes: number }> {
  const streams: PendingStream[] = [];
  const html = typeof message.html === "string" ? new TextEncoder().encode(message.html) : message.html;
  const messageValues = splitLarge(
    [
      { tag: SessionTags.PidTagMessageClass, value: "IPM.Note" },
      { tag: SessionTags.PidTagSubject, value: message.subject },
      ...(message.body !== undefined ? [{ tag: SessionTags.PidTagBody, value: message.body }] : []),
      ...(html !== undefined ? [{ tag: SessionTags.PidTagHtml, value: html }] : []),
      ...(message.rtfCompressed !== undefined
        ? [{ tag: SessionTags.PidTagRtfCompressed, value: message.rtfCompressed }]
        : []),
      ...(options.submit
        ? [
            { tag: DraftTags.PidTagDeleteAfterSubmit, value: false },
            {
              tag: DraftTags.PidTagSentMailServerId,
              value: folderServerId(options.submit.sentItemsFolderId),
            },
          ]
        : []),
      ...(message.properties ?? []),
    ],
    -1,
    streams,
  );
  const attachments = (message.attachments ?? []).map((a, index) => {
    const values: TaggedPropertyValue[] = [
      { tag: DraftTags.PidTagAttachMethod, value: 1 }, // afByValue (MS-OXCMSG 2.2.2.9)
      { tag: SessionTags.PidTagAttachLongFilename, value: a.fileName },
      { tag: DraftTags.PidTagAttachFilename, value: a.fileName },
      ...(a.mimeType ? [{ tag: DraftTags.PidTagAttachMimeTag, value: a.mimeType }] : []),
      ...(a.contentId ? [{ tag: DraftTags.PidTagAttachContentId, value: a.contentId }] : []),
    ];
    streams.push({ owner: index, tag: SessionTags.PidTagAttachDataBinary, data: a.data, written: 0 });
    return { values, slot: 0, object: undefined as ServerObject | undefined, at: 0 };
  });
  const recipients = (["to", "cc", "bcc"] as const).flatMap((kind) =>
    (message[kind] ?? []).map((r) => ({ type: RECIPIENT_TYPE[kind], row: smtpRecipient(r) })),
  );

  // Batch 1: create everything and open the streams.
  let executes = 0;
  const first = new RopBatch();
  const messageSlot = first.output();
  const create = first.add({
    rop: "RopCreateMessage",
    logonId: 0,
    inputHandleIndex: first.input(logonHandle),
    outputHandleIndex: messageSlot,
    codePageId: LOGON_CODE_PAGE,
    folderId,
    associatedFlag: false,
  });
  const setProperties = first.add({
    rop: "RopSetProperties",
    logonId: 0,
    inputHandleIndex: messageSlot,
    propertyValues: messageValues,
  });
  const modifyRecipients =
    recipients.length > 0
      ? first.add({
          rop: "RopModifyRecipients",
          logonId: 0,
          inputHandleIndex: messageSlot,
          recipientColumns: [],
          recipientRows: recipients.map((r, rowId) => ({
            rowId,
            recipientType: r.type,
            recipientRow: r.row,
          })),
        })
      : undefined;
  const attachmentSets: number[] = [];
  const attachmentCreates: number[] = [];
  for (const attachment of attachments) {
    attachment.slot = first.output();
    attachmentCreates.push(
      first.add({
        rop: "RopCreateAttachment",
        logonId: 0,
        inputHandleIndex: messageSlot,
        outputHandleIndex: attachment.slot,
      }),
    );
    attachmentSets.push(
      first.add({
        rop: "RopSetProperties",
        logonId: 0,
        inputHandleIndex: attachment.slot,
        propertyValues: attachment.values,
      }),
    );
  }
  for (const stream of streams) {
    stream.slot = first.output();
    stream.at = first.add({
      rop: "RopOpenStream",
      logonId: 0,
      inputHandleIndex: stream.owner < 0 ? messageSlot : (attachments[stream.owner]?.slot ?? messageSlot),
      outputHandleIndex: stream.slot,
      propertyTag: stream.tag,
      openModeFlags: StreamOpenMode.Create,
    });
  }
  const totalData = streams.reduce((sum, s) => sum + s.data.length, 0);
  const oneBatch = totalData <= DATA_PER_BATCH;
  // Small messages: the writes and the saves ride in this same batch.
  const firstWrites = oneBatch ? queueWrites(first, streams, (s) => s.slot as number, DATA_PER_BATCH) : [];
  const finish = oneBatch ? queueFinish(first, messageSlot, attachments, streams, options.submit) : undefined;

  const generation = host.generation();
  const held: ServerObject[] = [];
  try {
    executes++;
    const result = await host.send(first, options);
    // A batch that carried the RopReleases freed every handle itself, whatever failed in it.
    // Otherwise every handle the batch created is taken before any response is checked, so
    // that a failure releases them all.
    const done = finish !== undefined;
    const take = (slot: number): ServerObject | undefined => {
      let handle: number;
      try {
        handle = result.handle(slot);
      } catch {
        return undefined;
      }
      const object = { handle, generation };
      if (!done) held.push(object);
      return object;
    };
    const messageObject = take(messageSlot);
    for (const attachment of attachments) attachment.object = take(attachment.slot);
    for (const stream of streams) stream.object = take(stream.slot as number);
    result.response(create, "RopCreateMessage");
    for (const at of attachmentCreates) result.response(at, "RopCreateAttachment");
    checkProblems(result.response(setProperties, "RopSetProperties"));
    if (modifyRecipients !== undefined) result.response(modifyRecipients, "RopModifyRecipients");
    for (const at of attachmentSets) checkProblems(result.response(at, "RopSetProperties"));
    for (const stream of streams) result.response(stream.at as number, "RopOpenStream");
    if (finish) {
      checkWrites(result, firstWrites);
      return { messageId: finish.read(result), executes };
    }
    // Larger messages: the data in batches of at most DATA_PER_BATCH, then the saves.
    while (streams.some((s) => s.written < s.data.length)) {
      const batch = new RopBatch();
      const writes = queueWrites(
        batch,
        streams,
        (s) => batch.input((s.object as ServerObject).handle),
        DATA_PER_BATCH,
      );
      executes++;
      checkWrites(await host.send(batch, options), writes);
    }
    const last = new RopBatch();
    const lastMessageSlot = last.input((messageObject as ServerObject).handle);
    for (const attachment of attachments)
      attachment.slot = last.input((attachment.object as ServerObject).handle);
    for (const stream of streams) stream.slot = last.input((stream.object as ServerObject).handle);
    const finishLast = queueFinish(last, lastMessageSlot, attachments, streams, options.submit);
    executes++;
    let lastResult: RopBatchResult;
    try {
      lastResult = await host.send(last, options);
    } catch (error) {
      // Not known whether the batch (and its RopReleases) ran: forget the handles, do not
      // release them again (a reset has invalidated them anyway).
      held.length = 0;
      throw error;
    }
    held.length = 0;
    return { messageId: finishLast.read(lastResult), executes };
  } finally {
    // On failure nothing was saved: releasing the handles discards the new message.
    for (const object of held) host.release(object);
  }
}

/** Where the sent copy goes (MS-OXOMSG 2.2.3.1 PidTagSentMailSvrEID). */
export interface ServerSubmit {
  readonly sentItemsFolderId: bigint;
}

/** Queues RopWriteStream for up to `budget` bytes of the streams' remaining data; returns their positions. */
function queueWrites(
  batch: RopBatch,
  streams: PendingStream[],
  slotOf: (stream: PendingStream) => number,
  budget: number,
): { at: number; size: number }[] {
  const writes: { at: number; size: number }[] = [];
  let left = budget;
  for (const stream of streams) {
    while (stream.written < stream.data.length && left > 0) {
      const size = Math.min(WRITE_CHUNK, stream.data.length - stream.written, left);
      const at = batch.add({
        rop: "RopWriteStream",
        logonId: 0,
        inputHandleIndex: slotOf(stream),
        data: stream.data.subarray(stream.written, stream.written + size),
      });
      writes.push({ at, size });
      stream.written += size;
      left -= size;
    }
  }
  return writes;
}

function checkWrites(result: RopBatchResult, writes: readonly { at: number; size: number }[]): void {
  for (const write of writes) {
    const written = result.response(write.at, "RopWriteStream").writtenSize;
    if (written !== write.size) {
      throw new ProtocolError(`RopWriteStream wrote ${written} of ${write.size} bytes`);
    }
  }
}

/** A property RopSetProperties could not set fails the whole message (MS-OXCPRPT 2.2.5). */
function checkProblems(response: { propertyProblems?: readonly PropertyProblem[] }): void {
  const problem = response.propertyProblems?.[0];
  if (problem) throw new MapiRopError("RopSetProperties", problem.errorCode);
}

/** Commits the streams, saves the attachments and the message, submits it, releases everything. */
function queueFinish(
  batch: RopBatch,
  messageSlot: number,
  attachments: readonly { slot: number }[],
  streams: readonly PendingStream[],
  submit: ServerSubmit | undefined,
): { read(result: RopBatchResult): bigint } {
  const commits = streams.map((stream) => {
    const at = batch.add({ rop: "RopCommitStream", logonId: 0, inputHandleIndex: stream.slot as number });
    batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: stream.slot as number });
    return at;
  });
  const saves = attachments.map((attachment) => {
    const at = batch.add({
      rop: "RopSaveChangesAttachment",
      logonId: 0,
      responseHandleIndex: messageSlot,
      inputHandleIndex: attachment.slot,
      saveFlags: KEEP_OPEN_READ_WRITE,
    });
    batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: attachment.slot });
    return at;
  });
  const save = batch.add({
    rop: "RopSaveChangesMessage",
    logonId: 0,
    responseHandleIndex: messageSlot,
    inputHandleIndex: messageSlot,
    saveFlags: KEEP_OPEN_READ_WRITE,
  });
  const submitAt = submit
    ? batch.add({ rop: "RopSubmitMessage", logonId: 0, inputHandleIndex: messageSlot, submitFlags: 0 })
    : undefined;
  batch.add({ rop: "RopRelease", logonId: 0, inputHandleIndex: messageSlot });
  return {
    read(result) {
      for (const at of commits) result.response(at, "RopCommitStream");
      for (const at of saves) result.response(at, "RopSaveChangesAttachment");
      const saved = result.response(save, "RopSaveChangesMessage");
      if (submitAt !== undefined) result.response(submitAt, "RopSubmitMessage");
      return saved.messageId ?? 0n;
    },
  };
}
