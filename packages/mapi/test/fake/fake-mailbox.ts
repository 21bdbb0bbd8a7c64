import type { FakeMailbox, FakeMessage } from "./rop-engine.js";

export const IPM = 0x10001n;
export const INBOX = 0x20001n;
export const SENT = 0x30001n;
export const DELETED = 0x40001n;
export const PROJECTS = 0x50001n;

/** A mailbox with Inbox (and Inbox/Projects), Sent Items, Deleted Items and `count` Inbox messages. */
export function fakeMailbox(count: number): FakeMailbox {
  const folderIds = Array.from({ length: 13 }, (_, i) => BigInt(0x1000 + i));
  folderIds[3] = IPM;
  folderIds[4] = INBOX;
  folderIds[6] = SENT;
  folderIds[7] = DELETED;
  const messages: FakeMessage[] = [];
  for (let i = 0; i < count; i++) {
    messages.push({
      id: BigInt(0x100000 + i),
      folderId: INBOX,
      subject: `Message ${i}`,
      senderName: "Alice",
      senderEmailAddress: "alice@example.test",
      deliveryTime: 133_000_000_000_000_000n + BigInt(i) * 10_000_000n,
      read: i % 2 === 0,
      body: i === 1 ? "long body ".repeat(5000) : `Body of message ${i}`,
      ...(i === 0 ? { html: new TextEncoder().encode("<p>Hello</p>") } : {}),
      recipients:
        i === 0
          ? [
              { type: 1, displayName: "Bob", emailAddress: "bob@example.test" },
              { type: 2, displayName: "Carol", emailAddress: "carol@example.test" },
            ]
          : [{ type: 1, displayName: "Bob", emailAddress: "bob@example.test" }],
      attachments:
        i === 0
          ? [
              {
                fileName: "big.bin",
                mimeType: "application/octet-stream",
                data: Uint8Array.from({ length: 100_000 }, (_, k) => k % 251),
              },
            ]
          : [],
    });
  }
  return {
    folderIds,
    folders: [
      { id: INBOX, parentId: IPM, displayName: "Inbox" },
      { id: SENT, parentId: IPM, displayName: "Sent Items" },
      { id: DELETED, parentId: IPM, displayName: "Deleted Items" },
      { id: PROJECTS, parentId: INBOX, displayName: "Projects" },
    ],
    messages,
  };
}
