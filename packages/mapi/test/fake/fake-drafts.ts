import type { PropertyTag, RopAnswer, RopRequest } from "../../src/index.js";
import { DraftTags, SessionTags } from "../../src/index.js";
import type { FakeMailbox, FakeMessage, FakeRecipient } from "./rop-engine.js";

// Message creation for the fake engine (MS-OXCMSG 3.2.5: a new message lives on its handle
// until RopSaveChangesMessage stores it; RopSubmitMessage sends it).

export interface FakeDraft {
  folderId: bigint;
  properties: Map<PropertyTag, unknown>;
  recipients: FakeRecipient[];
  attachments: Map<PropertyTag, unknown>[];
  saved?: FakeMessage;
}

export type DraftObject =
  | { kind: "draft"; draft: FakeDraft }
  | { kind: "draftAttachment"; draft: FakeDraft; index: number }
  | { kind: "writeStream"; target: Map<PropertyTag, unknown>; tag: PropertyTag; chunks: Uint8Array[] };

export interface DraftContext {
  readonly mailbox: FakeMailbox;
  /** Mail to this address is delivered to the Inbox on submit. */
  readonly userAddress: string;
  get(slot: number): { kind: string } | undefined;
  put(slot: number, object: DraftObject): void;
  nextId(): bigint;
  readonly submitted: FakeMessage[];
  /** A property RopSetProperties reports as a problem (ecAccessDenied), to test refusals. */
  readonly refuseProperty: PropertyTag | undefined;
  /** RopSaveChangesMessage fails with this ReturnValue when set. */
  readonly failSave: number | undefined;
}

const ok = { returnValue: 0 } as const;

export function answerDraftRop(rop: RopRequest, context: DraftContext): RopAnswer | undefined {
  const get = (slot: number) => context.get(slot) as DraftObject | undefined;
  switch (rop.rop) {
    case "RopCreateMessage": {
      const draft: FakeDraft = {
        folderId: rop.folderId,
        properties: new Map(),
        recipients: [],
        attachments: [],
      };
      context.put(rop.outputHandleIndex, { kind: "draft", draft });
      return { rop: "RopCreateMessage", handleIndex: rop.outputHandleIndex, ...ok, messageId: null };
    }
    case "RopSetProperties": {
      const object = get(rop.inputHandleIndex);
      const target =
        object?.kind === "draft"
          ? object.draft.properties
          : object?.kind === "draftAttachment"
            ? object.draft.attachments[object.index]
            : undefined;
      if (!target) return undefined;
      const refused = rop.propertyValues.findIndex((v) => v.tag === context.refuseProperty);
      for (const { tag, value } of rop.propertyValues)
        if (tag !== context.refuseProperty) target.set(tag, value);
      return {
        rop: "RopSetProperties",
        handleIndex: rop.inputHandleIndex,
        ...ok,
        propertyProblems:
          refused < 0
            ? []
            : [{ index: refused, propertyTag: context.refuseProperty ?? 0, errorCode: 0x80070005 }],
      };
    }
    case "RopModifyRecipients": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      for (const row of rop.recipientRows) {
        if (!row.recipientRow) continue;
        object.draft.recipients.push({
          type: row.recipientType as 1 | 2 | 3,
          displayName: row.recipientRow.displayName ?? "",
          emailAddress: row.recipientRow.emailAddress ?? "",
        });
      }
      return { rop: "RopModifyRecipients", handleIndex: rop.inputHandleIndex, ...ok };
    }
    case "RopCreateAttachment": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      const index = object.draft.attachments.push(new Map()) - 1;
      context.put(rop.outputHandleIndex, { kind: "draftAttachment", draft: object.draft, index });
      return { rop: "RopCreateAttachment", handleIndex: rop.outputHandleIndex, ...ok, attachmentId: index };
    }
    case "RopOpenStream": {
      const object = get(rop.inputHandleIndex);
      const target =
        object?.kind === "draft"
          ? object.draft.properties
          : object?.kind === "draftAttachment"
            ? object.draft.attachments[object.index]
            : undefined;
      if (!target) return undefined;
      context.put(rop.outputHandleIndex, { kind: "writeStream", target, tag: rop.propertyTag, chunks: [] });
      return { rop: "RopOpenStream", handleIndex: rop.outputHandleIndex, ...ok, streamSize: 0 };
    }
    case "RopWriteStream": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "writeStream") return undefined;
      object.chunks.push(rop.data.slice());
      return {
        rop: "RopWriteStream",
        handleIndex: rop.inputHandleIndex,
        ...ok,
        writtenSize: rop.data.length,
      };
    }
    case "RopCommitStream": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "writeStream") return undefined;
      const bytes = Buffer.concat(object.chunks);
      const isString = (object.tag & 0xffff) === 0x001f;
      object.target.set(object.tag, isString ? bytes.toString("utf16le") : new Uint8Array(bytes));
      return { rop: "RopCommitStream", handleIndex: rop.inputHandleIndex, ...ok };
    }
    case "RopSaveChangesAttachment": {
      if (get(rop.inputHandleIndex)?.kind !== "draftAttachment") return undefined;
      return { rop: "RopSaveChangesAttachment", handleIndex: rop.responseHandleIndex, ...ok };
    }
    case "RopSaveChangesMessage": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft") return undefined;
      if (context.failSave !== undefined) {
        return {
          rop: "RopSaveChangesMessage",
          handleIndex: rop.responseHandleIndex,
          returnValue: context.failSave,
        };
      }
      const draft = object.draft;
      const p = draft.properties;
      const message: FakeMessage = {
        id: draft.saved?.id ?? context.nextId(),
        folderId: draft.folderId,
        subject: String(p.get(SessionTags.PidTagSubject) ?? ""),
        senderName: "Fake User",
        senderEmailAddress: context.userAddress,
        deliveryTime: 133_500_000_000_000_000n,
        read: true,
        body: String(p.get(SessionTags.PidTagBody) ?? ""),
        ...(p.get(SessionTags.PidTagHtml) ? { html: p.get(SessionTags.PidTagHtml) as Uint8Array } : {}),
        ...(p.get(SessionTags.PidTagRtfCompressed)
          ? { rtfCompressed: p.get(SessionTags.PidTagRtfCompressed) as Uint8Array }
          : {}),
        recipients: [...draft.recipients],
        attachments: draft.attachments.map((a) => ({
          fileName: String(a.get(SessionTags.PidTagAttachLongFilename) ?? ""),
          mimeType: String(a.get(DraftTags.PidTagAttachMimeTag) ?? "application/octet-stream"),
          data: (a.get(SessionTags.PidTagAttachDataBinary) as Uint8Array | undefined) ?? new Uint8Array(0),
        })),
      };
      if (!draft.saved) context.mailbox.messages.push(message);
      else Object.assign(draft.saved, message);
      draft.saved = draft.saved ?? message;
      return {
        rop: "RopSaveChangesMessage",
        handleIndex: rop.responseHandleIndex,
        ...ok,
        inputHandleIndex: rop.inputHandleIndex,
        messageId: message.id,
      };
    }
    case "RopSubmitMessage": {
      const object = get(rop.inputHandleIndex);
      if (object?.kind !== "draft" || !object.draft.saved) return undefined;
      const sent = object.draft.saved;
      context.submitted.push(sent);
      // PidTagSentMailSvrEID: a PtypServerId whose bytes 1..8 are the folder's FID.
      const serverId = object.draft.properties.get(DraftTags.PidTagSentMailServerId) as
        | Uint8Array
        | undefined;
      if (serverId) sent.folderId = new DataView(serverId.buffer, serverId.byteOffset).getBigUint64(1, true);
      for (const r of sent.recipients) {
        if (r.emailAddress.toLowerCase() !== context.userAddress) continue;
        const inbox = context.mailbox.folderIds[4] as bigint;
        context.mailbox.messages.push({ ...sent, id: context.nextId(), folderId: inbox, read: false });
      }
      return { rop: "RopSubmitMessage", handleIndex: rop.inputHandleIndex, ...ok };
    }
    default:
      return undefined;
  }
}
