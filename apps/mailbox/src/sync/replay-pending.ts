import type { Mailbox, OutgoingMessage } from "../mailbox.js";
import type { LocalStore, PendingChange, SerializedOutgoing } from "./local-store.js";
import { isOfflineError } from "./offline-error.js";

// Offline changes go to the server in the order they were made. A change the server refuses
// (the message was deleted elsewhere meanwhile) is dropped, as Outlook drops a conflicting
// cached change; one that fails because the server went away stays queued with all after it.

export function serializeOutgoing(message: OutgoingMessage): SerializedOutgoing {
  return {
    ...message,
    attachments: message.attachments?.map((a) => ({
      ...a,
      content: Buffer.from(a.content).toString("base64"),
    })),
  };
}

export function deserializeOutgoing(message: SerializedOutgoing): OutgoingMessage {
  const attachments = (
    message.attachments as { name: string; contentType?: string; content: string }[] | undefined
  )?.map((a) => ({ ...a, content: new Uint8Array(Buffer.from(a.content, "base64")) }));
  return { ...(message as unknown as OutgoingMessage), ...(attachments ? { attachments } : {}) };
}

async function apply(
  mailbox: Mailbox,
  change: PendingChange,
  signal: AbortSignal | undefined,
): Promise<void> {
  const call = { signal };
  switch (change.op) {
    case "mark-read":
      return mailbox.markRead(change.ids, change.read, call);
    case "move":
      return mailbox.move(change.ids, change.target, call);
    case "delete":
      return mailbox.delete(change.ids, { ...call, hard: change.hard });
    case "send":
      return mailbox.send(deserializeOutgoing(change.message), call);
  }
}

export async function replayPending(
  mailbox: Mailbox,
  store: LocalStore,
  options: {
    signal?: AbortSignal | undefined;
    onProgress?: ((event: { type: "replayed"; op: string; ok: boolean }) => void) | undefined;
    send?: ((message: OutgoingMessage) => Promise<void>) | undefined;
  } = {},
): Promise<number> {
  const pending = await store.pending();
  let replayed = 0;
  for (let i = 0; i < pending.length; i++) {
    const change = pending[i] as PendingChange;
    try {
      if (change.op === "send" && options.send) await options.send(deserializeOutgoing(change.message));
      else await apply(mailbox, change, options.signal);
      replayed += 1;
      options.onProgress?.({ type: "replayed", op: change.op, ok: true });
    } catch (error) {
      if (isOfflineError(error)) {
        await store.setPending(pending.slice(i));
        throw error;
      }
      options.onProgress?.({ type: "replayed", op: change.op, ok: false });
    }
    // Persist progress after each change so a crash never replays one twice.
    await store.setPending(pending.slice(i + 1));
  }
  return replayed;
}
