import type { FixtureAddress, FixtureAttachment, FixtureMessage } from "@mailwire/fixtures";
import { DraftTags, type PropertyTag, type RopAnswer, type RopRequest, SessionTags } from "@mailwire/mapi";
import type { MailboxStore } from "../store/mailbox-store.js";
import type { MapiIds } from "./mapi-ids.js";
import type { MapiExtras } from "./mapi-properties.js";

// Creating and submitting messages in the simulator's ROP engine (MS-OXCMSG 3.2.5.2,
// MS-OXOMSG 3.2.5.1): a new message lives on its handle until RopSaveChangesMessage stores it
// in the shared store; RopSubmitMessage moves it to the folder PidTagSentMailSvrEID names and
// delivers a copy to the Inbox when the mailbox's own user is a recipient.

interface SimDraft {
  readonly folderId: bigint;
  readonly properties: Map<PropertyTag, unknown>;
  readonly recipients: { type: number; address: FixtureAddress }[];
  readonly attachments: Map<PropertyTag, unknown>[];
  storeId?: string;
}

export type SimDraftObject =
  | { kind: "draft"; draft: SimDraft }
  | { kind: "draftAttachment"; draft: SimDraft; index: number }
  | { kind: "writeStream"; target: Map<PropertyTag, unknown>; tag: PropertyTag; chunks: Uint8Array[] };

export interface DraftEngineContext {
  readonly store: MailboxStore;
  readonly ids: MapiIds;
  readonly extras: MapiExtras;
  get(slot: number): { kind: string } | undefined;
  put(slot: number, object: SimDraftObject): void;
}

const ec = { NullObject: 0x000004b9, NotFound: 0x8004010f, InvalidParameter: 0x80070057 } as const;
/** Properties the fixture model carries itself; every other one set on a message is kept as an extra. */
const MODELLED = new Set<PropertyTag>([
  SessionTags.PidTagSubject,
  SessionTags.PidTagBody,
  SessionTags.PidTagHtml,
  SessionTags.PidTagMessageClass,
]);

function targetOf(object: SimDraftObject | undefined): Map<PropertyTag, unknown> | undefined {
  if (object?.kind === "draft") return object.draft.properties;
  if (object?.kind === "draftAttachment") return object.draft.attachments[object.index];
  return undefined;
}

/** Answers the ROPs of message creation; undefined for any other ROP or object. */
export function answerDraftRop(rop: RopRequest, context: DraftEngineContext): RopAnswer | undefined {
  const get = (slot: number) => context.get(slot) as SimDraftObject | undefined;
  switch (rop.rop) {
    case "RopCreateMessage": {
      const parent = context.get(rop.inputHandleIndex);
      if (!parent)
        return { rop: "RopCreateMessage", handleIndex: rop.outputHandleIndex, returnValue: ec.NullObject };
      if (context.ids.storeId(rop.folderId) === undefined) {
        return { rop: "RopCreateMessage", handleIndex: rop.outputHandleIndex, returnValue: ec.NotFound };
      }
      const draft: SimDraft = {
        folderId: rop.folderId,
        properties: new Map(),
        recipients: [],
        attachments: [],
      };
      context.put(rop.outputHandleIndex, { kind: "draft", draft });
      return { rop: "RopCreateMessage", handleIndex: rop.outputHandleIndex, returnValue: 0, messageId: null };
    }
    case "RopSetProperties": {
      const target = targetOf(get(rop.inputHandleIndex));
      if (!target) return undefined;
      for (const { tag, value } of rop.propertyValues) target.set(tag, value);
      return {
        rop: "RopSetProperties",
        handleIndex: rop.inputHandleIndex,
        returnValue: 0,
        propertyProblems: [],
      };
    }
    case "RopModifyRecipients": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      for (const row of rop.recipientRows) {
        const address = row.recipientRow?.emailAddress ?? row.recipientRow?.x500Dn;
        if (!row.recipientRow || !address) continue;
        const name = row.recipientRow.displayName;
        object.draft.recipients.push({
          type: row.recipientType & 0x0f,
          address: name && name !== address ? { name, address } : { address },
        });
      }
      return { rop: "RopModifyRecipients", handleIndex: rop.inputHandleIndex, returnValue: 0 };
    }
    case "RopCreateAttachment": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      const index = object.draft.attachments.push(new Map()) - 1;
      context.put(rop.outputHandleIndex, { kind: "draftAttachment", draft: object.draft, index });
      return {
        rop: "RopCreateAttachment",
        handleIndex: rop.outputHandleIndex,
        returnValue: 0,
        attachmentId: index,
      };
    }
    case "RopOpenStream": {
      const target = targetOf(get(rop.inputHandleIndex));
      if (!target) return undefined;
      context.put(rop.outputHandleIndex, { kind: "writeStream", target, tag: rop.propertyTag, chunks: [] });
      return { rop: "RopOpenStream", handleIndex: rop.outputHandleIndex, returnValue: 0, streamSize: 0 };
    }
    case "RopWriteStream": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "writeStream") return undefined;
      object.chunks.push(rop.data.slice());
      return {
        rop: "RopWriteStream",
        handleIndex: rop.inputHandleIndex,
        returnValue: 0,
        writtenSize: rop.data.length,
      };
    }
    case "RopCommitStream": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "writeStream") return undefined;
      const bytes = Buffer.concat(object.chunks);
      // String properties stream as UTF-16LE (MS-OXCPRPT 2.2.14).
      object.target.set(
        object.tag,
        (object.tag & 0xffff) === 0x001f ? bytes.toString("utf16le") : new Uint8Array(bytes),
      );
      return { rop: "RopCommitStream", handleIndex: rop.inputHandleIndex, returnValue: 0 };
    }
    case "RopSaveChangesAttachment": {
      if (get(rop.inputHandleIndex)?.kind !== "draftAttachment") return undefined;
      return { rop: "RopSaveChangesAttachment", handleIndex: rop.responseHandleIndex, returnValue: 0 };
    }
    case "RopSaveChangesMessage": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      const draft = object.draft;
      if (draft.storeId === undefined) {
        const folder = context.ids.storeId(draft.folderId) as string;
        const stored = context.store.addMessage(folder, draftFixture(context.store, draft, folder));
        draft.storeId = stored.id;
        const extras = new Map([...draft.properties].filter(([tag]) => !MODELLED.has(tag)));
        if (extras.size > 0) context.extras.set(stored.id, extras);
      }
      return {
        rop: "RopSaveChangesMessage",
        handleIndex: rop.responseHandleIndex,
        returnValue: 0,
        inputHandleIndex: rop.inputHandleIndex,
        messageId: context.ids.id(draft.storeId),
      };
    }
    case "RopSubmitMessage": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      if (object.draft.storeId === undefined) {
        return {
          rop: "RopSubmitMessage",
          handleIndex: rop.inputHandleIndex,
          returnValue: ec.InvalidParameter,
        };
      }
      submit(context, object.draft, object.draft.storeId);
      return { rop: "RopSubmitMessage", handleIndex: rop.inputHandleIndex, returnValue: 0 };
    }
    default:
      return undefined;
  }
}

function submit(context: DraftEngineContext, draft: SimDraft, storeId: string): void {
  const { store, ids } = context;
  // PidTagSentMailSvrEID: a PtypServerId, bytes 1..8 the folder's FID (MS-OXCDATA 2.11.1.4).
  const serverId = draft.properties.get(DraftTags.PidTagSentMailServerId);
  const sentFolder =
    serverId instanceof Uint8Array && serverId.length >= 9
      ? ids.storeId(new DataView(serverId.buffer, serverId.byteOffset).getBigUint64(1, true))
      : undefined;
  const message = store.message(storeId);
  if (draft.properties.get(DraftTags.PidTagDeleteAfterSubmit) === true)
    store.deleteMessage(storeId, { hard: true });
  else if (sentFolder !== undefined) store.moveMessage(storeId, sentFolder);
  const own = store.user.address.toLowerCase();
  if (draft.recipients.some((r) => r.address.address.toLowerCase() === own)) {
    const inbox = store.specialFolder("inbox");
    const delivered = store.addMessage(inbox.id, {
      ...message.fixture,
      folder: inbox.path,
      flags: { seen: false, flagged: false, answered: false },
    });
    const extras = context.extras.get(storeId);
    if (extras) context.extras.set(delivered.id, extras);
  }
}

function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n");
}

/** The fixture view of a new message, with an RFC 5322 rendering for the other protocols. */
function draftFixture(store: MailboxStore, draft: SimDraft, folderId: string): FixtureMessage {
  const p = draft.properties;
  const subject = String(p.get(SessionTags.PidTagSubject) ?? "");
  const text =
    typeof p.get(SessionTags.PidTagBody) === "string" ? (p.get(SessionTags.PidTagBody) as string) : undefined;
  const htmlBytes = p.get(SessionTags.PidTagHtml);
  const html = htmlBytes instanceof Uint8Array ? Buffer.from(htmlBytes).toString("utf8") : undefined;
  const to = draft.recipients.filter((r) => r.type === 1).map((r) => r.address);
  const cc = draft.recipients.filter((r) => r.type === 2).map((r) => r.address);
  const attachments: FixtureAttachment[] = draft.attachments.map((a) => {
    const contentId = a.get(DraftTags.PidTagAttachContentId);
    return {
      name: String(
        a.get(SessionTags.PidTagAttachLongFilename) ?? a.get(DraftTags.PidTagAttachFilename) ?? "attachment",
      ),
      contentType: String(a.get(DraftTags.PidTagAttachMimeTag) ?? "application/octet-stream"),
      bytes: (a.get(SessionTags.PidTagAttachDataBinary) as Uint8Array | undefined) ?? new Uint8Array(0),
      inline: typeof contentId === "string",
      ...(typeof contentId === "string" ? { contentId } : {}),
    };
  });
  const date = new Date();
  const messageId = `<${date.getTime()}.${Math.random().toString(36).slice(2)}@mapi.sim.mailwire.test>`;
  const list = (addresses: FixtureAddress[]) =>
    addresses.map((a) => (a.name ? `"${a.name.replace(/"/g, "")}" <${a.address}>` : a.address)).join(", ");
  const bodyType = html !== undefined ? "text/html" : "text/plain";
  const bodyText = (html ?? text ?? "").replace(/\r?\n/g, "\r\n");
  const header = [
    `From: ${store.user.address}`,
    ...(to.length ? [`To: ${list(to)}`] : []),
    ...(cc.length ? [`Cc: ${list(cc)}`] : []),
    `Subject: ${subject.replace(/[\r\n]/g, " ")}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
  ];
  let raw: string;
  if (attachments.length === 0) {
    raw = `${header.join("\r\n")}\r\nContent-Type: ${bodyType}; charset=utf-8\r\n\r\n${bodyText}\r\n`;
  } else {
    const boundary = `=_mapi_${date.getTime().toString(36)}`;
    const parts = [
      `Content-Type: ${bodyType}; charset=utf-8\r\n\r\n${bodyText}`,
      ...attachments.map(
        (a) =>
          `Content-Type: ${a.contentType}; name="${a.name}"\r\nContent-Disposition: ${a.inline ? "inline" : "attachment"}; filename="${a.name}"\r\n` +
          `${a.contentId ? `Content-ID: <${a.contentId}>\r\n` : ""}Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(a.bytes)}`,
      ),
    ];
    raw = `${header.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts
      .map((part) => `--${boundary}\r\n${part}\r\n`)
      .join("")}--${boundary}--\r\n`;
  }
  const rawBytes = new Uint8Array(Buffer.from(raw, "utf8"));
  return {
    id: "",
    folder: store.folder(folderId).path,
    raw: rawBytes,
    subject,
    from: { address: store.user.address },
    to,
    date,
    flags: { seen: true, flagged: false, answered: false },
    size: rawBytes.length,
    messageId,
    hasAttachments: attachments.length > 0,
    cc,
    references: [],
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    attachments,
    contentType: attachments.length > 0 ? "multipart/mixed" : bodyType,
  };
}
