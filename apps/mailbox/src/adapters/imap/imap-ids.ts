import { invalidId, type MailboxStep } from "../../errors.js";
import { decodePart, encodePart, packId, unpackId } from "../shared/ids.js";

// IMAP names a message by mailbox path and UID (RFC 9051 §2.3.1.1); the path is Unicode
// (imapflow decodes modified UTF-7), so it travels base64url-encoded.

export interface ImapMessageRef {
  readonly path: string;
  readonly uid: number;
}

export function imapFolderToken(path: string): string {
  return packId("if", [encodePart(path)]);
}

export function imapMessageToken(path: string, uid: number): string {
  return packId("im", [encodePart(path), String(uid)]);
}

export function imapFolderPath(token: string, step: MailboxStep): string {
  const [part] = unpackId(token, "if", 1) ?? [];
  const path = part === undefined ? undefined : decodePart(part);
  if (!path) throw invalidId("imap", step, "folder");
  return path;
}

export function imapMessageRef(token: string, step: MailboxStep): ImapMessageRef {
  const [pathPart, uidPart] = unpackId(token, "im", 2) ?? [];
  const path = pathPart === undefined ? undefined : decodePart(pathPart);
  const uid = uidPart !== undefined && /^[1-9]\d{0,9}$/.test(uidPart) ? Number(uidPart) : undefined;
  // RFC 9051 §2.3.1.1: a UID is a non-zero 32-bit number.
  if (!path || uid === undefined || uid > 0xffffffff) throw invalidId("imap", step, "message");
  return { path, uid };
}

/** Message refs grouped by folder, for commands that act on one selected mailbox at a time. */
export function groupByFolder(tokens: readonly string[], step: MailboxStep): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const token of tokens) {
    const { path, uid } = imapMessageRef(token, step);
    const uids = groups.get(path) ?? [];
    uids.push(uid);
    groups.set(path, uids);
  }
  return groups;
}
