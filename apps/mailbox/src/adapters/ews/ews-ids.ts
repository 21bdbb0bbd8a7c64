import type { ItemId } from "@mailwire/ews";
import { invalidId, type MailboxStep } from "../../errors.js";
import { decodePart, encodePart, packId, unpackId } from "../shared/ids.js";

// EWS ids are opaque base64 strings of up to ~200 characters; the ChangeKey is left out because
// it changes with every modification (MS-OXWSCDATA 2.2.4.x ItemIdType: ChangeKey is optional, and
// without it the server applies the change to the current version).

export function ewsFolderToken(id: string): string {
  return packId("ef", [encodePart(id)]);
}

export function ewsMessageToken(id: string): string {
  return packId("em", [encodePart(id)]);
}

export function ewsAttachmentToken(id: string): string {
  return packId("ea", [encodePart(id)]);
}

function decode(token: string, prefix: string, step: MailboxStep, what: string): string {
  const [part] = unpackId(token, prefix, 1) ?? [];
  const id = part === undefined ? undefined : decodePart(part);
  if (!id) throw invalidId("ews", step, what);
  return id;
}

export function ewsFolderId(token: string, step: MailboxStep): ItemId {
  return { id: decode(token, "ef", step, "folder") };
}

export function ewsMessageId(token: string, step: MailboxStep): ItemId {
  return { id: decode(token, "em", step, "message") };
}

export function ewsAttachmentId(token: string, step: MailboxStep): string {
  return decode(token, "ea", step, "attachment");
}
