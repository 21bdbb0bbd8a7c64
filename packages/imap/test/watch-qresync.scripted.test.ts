import { afterEach, describe, expect, it } from "vitest";
import { parseSequenceSet } from "../src/codec/sequence-set.js";
import { connectImap, type WatchEvent, type WatchState } from "../src/index.js";
import { type ScriptedImapServer, startScriptedImapServer } from "./support/scripted-imap-server.js";
import { collectEvents, messageEvents } from "./support/watch-support.js";

// Dovecot always answers a QRESYNC SELECT completely; these pin what the watcher does when a
// server's answer does not add up: a server that sends no FETCH for added messages, and one
// that leaves out VANISHED. Both must still give the same events as a full comparison.

const CAPABILITIES = "IMAP4rev1 ENABLE IDLE CONDSTORE QRESYNC NAMESPACE";
const UIDVALIDITY = 7n;

/** What the scripted folder holds now, and how it answers the QRESYNC SELECT. */
interface Folder {
  /** UID → flags, in UID order (sequence numbers follow). */
  readonly messages: ReadonlyMap<number, readonly string[]>;
  readonly highestModseq: number;
  /** The untagged VANISHED/FETCH lines of the SELECT's answer. */
  readonly qresyncLines: readonly string[];
}

const servers: ScriptedImapServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function fetchLine(folder: Folder, uid: number): string {
  const seq = [...folder.messages.keys()].indexOf(uid) + 1;
  const flags = (folder.messages.get(uid) ?? []).join(" ");
  return `* ${seq} FETCH (UID ${uid} FLAGS (${flags}) MODSEQ (${folder.highestModseq}))`;
}

/** UIDs of a UID set such as "4:*" or "1,3:5", against the folder's UIDs. */
function uidsIn(set: string, folder: Folder): number[] {
  const top = Math.max(0, ...folder.messages.keys());
  const wanted = new Set(parseSequenceSet(set.replaceAll("*", String(top))));
  return [...folder.messages.keys()].filter((uid) => wanted.has(uid));
}

async function serveFolder(folder: Folder): Promise<{ server: ScriptedImapServer; commands: string[] }> {
  const commands: string[] = [];
  const server = await startScriptedImapServer(async (peer) => {
    peer.send(`* PREAUTH [CAPABILITY ${CAPABILITIES}] ready`);
    for (;;) {
      const command = await peer.readCommand();
      if (command === undefined) return;
      commands.push(command.line.slice(command.tag.length + 1));
      const { tag, line } = command;
      const name = command.name === "UID" ? `UID ${command.args[0]?.toUpperCase()}` : command.name;
      switch (name) {
        case "CAPABILITY":
          peer.send(`* CAPABILITY ${CAPABILITIES}`, `${tag} OK done`);
          break;
        case "NAMESPACE":
          peer.send('* NAMESPACE (("" "/")) NIL NIL', `${tag} OK done`);
          break;
        case "ENABLE":
          peer.send("* ENABLED CONDSTORE QRESYNC", `${tag} OK done`);
          break;
        case "LIST":
          peer.send('* LIST () "/" Watched', `${tag} OK done`);
          break;
        case "SELECT":
          peer.send(
            "* FLAGS (\\Seen \\Flagged \\Deleted)",
            `* ${folder.messages.size} EXISTS`,
            `* OK [UIDVALIDITY ${UIDVALIDITY}] ok`,
            `* OK [UIDNEXT ${Math.max(0, ...folder.messages.keys()) + 1}] ok`,
            `* OK [HIGHESTMODSEQ ${folder.highestModseq}] ok`,
            ...(/QRESYNC/i.test(line) ? folder.qresyncLines : []),
            `${tag} OK [READ-WRITE] selected`,
          );
          break;
        case "UID SEARCH":
          peer.send(`* SEARCH ${[...folder.messages.keys()].join(" ")}`, `${tag} OK done`);
          break;
        case "UID FETCH": {
          // CHANGEDSINCE: this folder's modseqs are all at HIGHESTMODSEQ, so all match.
          const uids = uidsIn(command.args[1] ?? "", folder);
          peer.send(...uids.map((uid) => fetchLine(folder, uid)), `${tag} OK done`);
          break;
        }
        case "IDLE": {
          peer.send("+ idling");
          const done = await peer.readLine();
          if (done === undefined) return;
          peer.send(`${tag} OK idle done`);
          break;
        }
        case "LOGOUT":
          peer.send("* BYE bye", `${tag} OK done`);
          return;
        default:
          peer.send(`${tag} OK done`);
      }
    }
  });
  servers.push(server);
  return { server, commands };
}

/** One watch resumed from `state` until its first `synced` event. */
async function resume(port: number, state: WatchState): Promise<WatchEvent[]> {
  const session = await connectImap({
    host: "127.0.0.1",
    port,
    tls: "none",
    auth: { username: "alice", password: "unused" },
    timeoutMs: 10_000,
  });
  const controller = new AbortController();
  const iterator = session.watch("Watched", { state, signal: controller.signal })[Symbol.asyncIterator]();
  try {
    return await collectEvents(iterator, (got) => got.some((event) => event.type === "synced"));
  } finally {
    controller.abort();
    await iterator.next().catch(() => undefined);
    session.destroy();
  }
}

// Known: UIDs 1, 2, 3 at MODSEQ 10. Now: 2 expunged, 3 flagged \Seen, 4 and 5 added.
const known: WatchState = {
  uidValidity: UIDVALIDITY,
  highestModseq: 10n,
  messages: new Map([
    [1, []],
    [2, []],
    [3, []],
  ]),
};
const now = new Map<number, readonly string[]>([
  [1, []],
  [3, ["\\Seen"]],
  [4, []],
  [5, ["\\Flagged"]],
]);
const expected: WatchEvent[] = [
  { type: "expunged", uid: 2 },
  { type: "flags", uid: 3, flags: ["\\Seen"] },
  { type: "new", uid: 4, flags: [] },
  { type: "new", uid: 5, flags: ["\\Flagged"] },
];

describe("watch() QRESYNC resync when the server's answer does not add up (scripted server)", () => {
  it("a complete answer is the whole resync: no FETCH, no SEARCH", async () => {
    const base = { messages: now, highestModseq: 12, qresyncLines: [] };
    const folder: Folder = {
      ...base,
      qresyncLines: ["* VANISHED (EARLIER) 2", ...[3, 4, 5].map((uid) => fetchLine(base, uid))],
    };
    const { server, commands } = await serveFolder(folder);
    expect(messageEvents(await resume(server.port, known))).toEqual(expected);
    expect(commands.filter((line) => /^(UID |SELECT)/.test(line))).toEqual([
      "SELECT Watched (QRESYNC (7 10))",
    ]);
  });

  it("a VANISHED (EARLIER) range wider than the folder (no expunge history) changes nothing else", async () => {
    const base = { messages: now, highestModseq: 12, qresyncLines: [] };
    const folder: Folder = {
      ...base,
      qresyncLines: ["* VANISHED (EARLIER) 2,6:200000", ...[3, 4, 5].map((uid) => fetchLine(base, uid))],
    };
    const { server, commands } = await serveFolder(folder);
    expect(messageEvents(await resume(server.port, known))).toEqual(expected);
    expect(commands.some((line) => /^UID /.test(line))).toBe(false);
  });

  it("no FETCH for added messages: fetches the UIDs above the known ones, no SEARCH", async () => {
    const base = { messages: now, highestModseq: 12, qresyncLines: [] };
    const folder: Folder = { ...base, qresyncLines: ["* VANISHED (EARLIER) 2", fetchLine(base, 3)] };
    const { server, commands } = await serveFolder(folder);
    expect(messageEvents(await resume(server.port, known))).toEqual(expected);
    const sent = commands.filter((line) => /^(UID |SELECT)/.test(line));
    expect(sent).toEqual(["SELECT Watched (QRESYNC (7 10))", "UID FETCH 4:* (UID FLAGS MODSEQ)"]);
  });

  it("no VANISHED: falls back to UID SEARCH ALL and still reports the expunge once", async () => {
    const base = { messages: now, highestModseq: 12, qresyncLines: [] };
    const folder: Folder = { ...base, qresyncLines: [3, 4, 5].map((uid) => fetchLine(base, uid)) };
    const { server, commands } = await serveFolder(folder);
    expect(messageEvents(await resume(server.port, known))).toEqual(expected);
    expect(commands.some((line) => /^UID SEARCH/.test(line))).toBe(true);
  });
});
