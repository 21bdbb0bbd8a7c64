import { invalidId, type MailboxStep } from "../../errors.js";
import type { ProtocolName } from "../../mailbox.js";
import { packId, unpackId } from "../shared/ids.js";

// MAPI ids are 64-bit FIDs/MIDs (MS-OXCDATA 2.2.1.1/2.2.1.2: replica id + global counter),
// written as 16 hex digits. A message id carries its folder, because every message ROP
// opens the folder first.

const HEX64 = /^[0-9a-f]{16}$/;

function hex(value: bigint): string {
  return value.toString(16).padStart(16, "0");
}

export function mapiFolderToken(folderId: bigint): string {
  return packId("mf", [hex(folderId)]);
}

export function mapiMessageToken(folderId: bigint, messageId: bigint): string {
  return packId("mm", [hex(folderId), hex(messageId)]);
}

export function mapiFolderId(protocol: ProtocolName, token: string, step: MailboxStep): bigint {
  const [part] = unpackId(token, "mf", 1) ?? [];
  if (part === undefined || !HEX64.test(part)) throw invalidId(protocol, step, "folder");
  return BigInt(`0x${part}`);
}

export interface MapiMessageRef {
  readonly folderId: bigint;
  readonly messageId: bigint;
}

export function mapiMessageRef(protocol: ProtocolName, token: string, step: MailboxStep): MapiMessageRef {
  const [folder, message] = unpackId(token, "mm", 2) ?? [];
  if (folder === undefined || message === undefined || !HEX64.test(folder) || !HEX64.test(message)) {
    throw invalidId(protocol, step, "message");
  }
  return { folderId: BigInt(`0x${folder}`), messageId: BigInt(`0x${message}`) };
}

/** Message ids grouped by folder: every folder ROP batch acts on one folder. */
export function groupMapiByFolder(
  protocol: ProtocolName,
  tokens: readonly string[],
  step: MailboxStep,
): Map<bigint, bigint[]> {
  const groups = new Map<bigint, bigint[]>();
  for (const token of tokens) {
    const { folderId, messageId } = mapiMessageRef(protocol, token, step);
    const list = groups.get(folderId) ?? [];
    list.push(messageId);
    groups.set(folderId, list);
  }
  return groups;
}
