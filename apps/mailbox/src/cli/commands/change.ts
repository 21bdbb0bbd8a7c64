import { InvalidArgumentError } from "@mailwire/core";
import type { LocalStore, PendingChange } from "../../sync/local-store.js";
import { bool, type Command, str } from "../command.js";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../exit-codes.js";
import { openSession, withFallback } from "../session.js";
import { findFolder } from "./folder-list.js";

// mark-read, move and delete: done on the server when it is there, otherwise applied to the
// store at once and queued (pending.jsonl) for the next sync, as Outlook's cached mode does.

/** Applies a change to the store's copy so offline reads show it. */
async function applyToStore(store: LocalStore, change: PendingChange): Promise<void> {
  if (change.op === "send") return;
  const ids = new Set(change.ids);
  const folders = (await store.folders())?.folders ?? [];
  for (const folder of folders) {
    const index = await store.index(folder.id);
    if (!index?.messages.some((m) => ids.has(m.id))) continue;
    const messages =
      change.op === "mark-read"
        ? index.messages.map((m) => (ids.has(m.id) ? { ...m, read: change.read } : m))
        : index.messages.filter((m) => !ids.has(m.id));
    await store.saveIndex({ ...index, messages });
  }
  for (const id of ids) {
    if (change.op === "mark-read") {
      const detail = await store.message(id);
      if (detail) await store.saveMessage({ ...detail, read: change.read });
    } else if (change.op === "delete") await store.removeMessage(id);
  }
}

async function runChange(
  context: CommandContext,
  build: (
    context: CommandContext,
    session: Awaited<ReturnType<typeof openSession>>,
  ) => Promise<PendingChange>,
  verb: string,
): Promise<ExitCode> {
  const session = await openSession(context);
  try {
    const change = await build(context, session);
    if (change.op === "send") throw new Error("unreachable");
    const { source } = await withFallback(
      context,
      session,
      async (mailbox) => {
        const call = { signal: context.signal };
        if (change.op === "mark-read") await mailbox.markRead(change.ids, change.read, call);
        else if (change.op === "move") await mailbox.move(change.ids, change.target, call);
        else await mailbox.delete(change.ids, { ...call, hard: change.hard });
        if (session.store) await applyToStore(session.store, change);
      },
      async (store) => {
        await store.queue(change);
        await applyToStore(store, change);
      },
    );
    const queued = source === "cache";
    context.out.text(
      `${verb} ${change.ids.length} message(s)${queued ? " in the local store; queued for the next sync" : ""}.`,
    );
    context.out.document({ type: change.op, ids: change.ids, queued, source });
    return ExitCode.OK;
  } finally {
    await session.close();
  }
}

const ids = (positionals: string[]) => {
  if (positionals.length === 0) throw new InvalidArgumentError("give at least one message id");
  return positionals;
};

export const markReadCommand: Command = {
  name: "mark-read",
  summary: "mark messages read (or --unread)",
  usage: "mailbox mark-read <id>... [--unread]",
  positionals: [1, 1000],
  options: { unread: { type: "boolean" } },
  run: (context, values, positionals) =>
    runChange(
      context,
      async () => ({ op: "mark-read", ids: ids(positionals), read: !bool(values, "unread") }),
      bool(values, "unread") ? "Marked unread" : "Marked read",
    ),
};

export const moveCommand: Command = {
  name: "move",
  summary: "move messages to another folder",
  usage: "mailbox move <id>... --to <folder>",
  positionals: [1, 1000],
  options: { to: { type: "string" } },
  run: (context, values, positionals) =>
    runChange(
      context,
      async (ctx, session) => {
        const target = str(values, "to");
        if (!target) throw new InvalidArgumentError("move needs --to <folder>");
        const folder = await findFolder(ctx, session, target);
        return { op: "move", ids: ids(positionals), target: folder.id };
      },
      "Moved",
    ),
};

export const deleteCommand: Command = {
  name: "delete",
  summary: "delete messages (to Deleted Items; --hard removes them)",
  usage: "mailbox delete <id>... [--hard]",
  positionals: [1, 1000],
  options: { hard: { type: "boolean" } },
  run: (context, values, positionals) =>
    runChange(
      context,
      async () => ({ op: "delete", ids: ids(positionals), hard: bool(values, "hard") }),
      "Deleted",
    ),
};
