import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryServer, memoryBackend } from "./memory-mailbox.js";
import { cliHarness } from "./run-in-process.js";

// The CLI's commands, output modes, exit codes and cached mode, run in-process against an
// in-memory Mailbox (test code only). The spawned end-to-end runs against exchange-sim and
// Dovecot are in cli-e2e.*.test.ts.

let server: MemoryServer;
let cli: Awaited<ReturnType<typeof cliHarness>>;
const PASSWORD = { MAILBOX_PASSWORD: "s3cret-pw" };

beforeEach(async () => {
  server = new MemoryServer(12);
  cli = await cliHarness(memoryBackend(server), PASSWORD);
});
afterEach(async () => {
  await cli.cleanup();
});

async function connect(extra: string[] = []) {
  const run = await cli.run(["connect", "user@example.test", ...extra]);
  expect(run.code, run.stderr).toBe(0);
  return run;
}

describe("connect", () => {
  it("shows the autodiscover trace and the attempts, saves a profile without the password", async () => {
    const run = await connect(["--link-kbps", "10000"]);
    expect(run.stdout).toContain("Autodiscover for user@example.test");
    expect(run.stdout).toMatch(/pox +error .*ECONNREFUSED/);
    expect(run.stdout).toContain("found by pox");
    expect(run.stdout).toContain("Trying mapi-http, rpc-http, ews, imap, pop3");
    expect(run.stdout).toMatch(/mapi-http +no-endpoint/);
    expect(run.stdout).toMatch(/ews +connected/);
    const file = join(cli.home, "profiles", "user@example.test.json");
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("s3cret-pw");
    expect(JSON.parse(text)).toMatchObject({
      protocol: "ews",
      credential: { kind: "env", variable: "MAILBOX_PASSWORD" },
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("keeps the password only with --save-password", async () => {
    await connect(["--save-password", "--link-kbps", "10000"]);
    const profile = JSON.parse(await readFile(join(cli.home, "profiles", "user@example.test.json"), "utf8"));
    expect(profile).toMatchObject({ credential: { kind: "saved" }, password: "s3cret-pw" });
    const shown = await cli.run(["profiles", "show", "--json"]);
    expect(shown.stdout).not.toContain("s3cret-pw");
    expect(shown.json()[0]).toMatchObject({ profile: { passwordSaved: true } });
  });

  it("on a slow link tries the lighter protocols first; --protocol forces one", async () => {
    const slow = await cli.run(["connect", "user@example.test", "--link-kbps", "56", "--json"]);
    const doc = slow.json()[0] as { order: string[]; link: { slow: boolean } };
    expect(doc.link.slow).toBe(true);
    expect(doc.order).toEqual(["imap", "pop3", "mapi-http", "rpc-http", "ews"]);
    const forced = await cli.run(["connect", "user@example.test", "--protocol", "ews", "--json"]);
    expect((forced.json()[0] as { order: string[] }).order).toEqual(["ews"]);
  });

  it("a refused password exits 3 and names the protocol and step", async () => {
    const run = await cli.run(["connect", "user@example.test", "--json"], {
      env: { MAILBOX_PASSWORD: "wrong" },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("ews authenticate failed");
    const error = run.json()[0] as { type: string; error: { code: string; protocol: string; step: string } };
    expect(error).toMatchObject({
      type: "error",
      error: { code: "MW_AUTH_FAILED", protocol: "ews", step: "authenticate" },
    });
    expect(run.stdout + run.stderr).not.toContain("wrong");
  });

  it("reads the password from a piped stdin when prompted", async () => {
    const run = await cli.run(["connect", "user@example.test", "--password-from", "prompt"], {
      stdin: "s3cret-pw\n",
      env: { MAILBOX_PASSWORD: "" },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Password for user@example.test");
  });
});

describe("reading", () => {
  beforeEach(async () => {
    await connect(["--link-kbps", "10000"]);
  });

  it("folders, list (paged), read, search, all with --json", async () => {
    const folders = (await cli.run(["folders", "--json"])).json()[0] as {
      folders: { path: string[] }[];
      source: string;
    };
    expect(folders.source).toBe("server");
    expect(folders.folders.map((f) => f.path.join("/"))).toContain("Inbox/Projects");

    const page = await cli.run(["list", "inbox", "--limit", "3", "--json"]);
    const records = page.json() as { type: string; id?: string; more?: boolean }[];
    expect(records.map((r) => r.type)).toEqual(["message", "message", "message", "end"]);
    expect(records[3]).toMatchObject({ count: 3, more: true, source: "server" });
    const next = (await cli.run(["list", "inbox", "--limit", "3", "--offset", "3", "--json"])).json() as {
      id?: string;
    }[];
    expect(next[0]?.id).not.toBe(records[0]?.id);

    const human = await cli.run(["list", "Inbox/Projects"]);
    expect(human.stdout.trim().split("\n").length).toBe(3);

    const id = records[0]?.id as string;
    const read = await cli.run(["read", id]);
    expect(read.stdout).toContain("Subject: Message");
    expect(read.stdout).toContain("Body of Message");

    const found = (await cli.run(["search", "--subject", "message 1", "--json"])).json() as {
      type: string;
    }[];
    expect(found.filter((r) => r.type === "message").length).toBeGreaterThan(0);
  });

  it("read --save-attachments writes files with safe names inside the directory", async () => {
    const withAttachment = [...server.messages.values()].find(
      (m) => m.hasAttachments && m.folderId === "f-inbox",
    );
    const dir = join(cli.home, "out");
    const run = await cli.run(["read", withAttachment?.id as string, "--save-attachments", dir, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(dir)).toEqual(["notes.txt"]);
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toContain("attachment of");
  });

  it("an unknown folder exits 5; a bad option exits 2", async () => {
    expect((await cli.run(["list", "Nowhere"])).code).toBe(5);
    const bad = await cli.run(["list", "inbox", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: mailbox list");
  });
});

describe("cached mode", () => {
  beforeEach(async () => {
    await connect(["--link-kbps", "10000"]);
  });

  it("serves folders, list and read from the store when the server is gone", async () => {
    const sync = await cli.run(["sync", "--json"]);
    expect(sync.code, sync.stderr).toBe(0);
    const done = sync.json().at(-1) as { type: string; downloaded: number };
    expect(done).toMatchObject({ type: "done", downloaded: 12 });

    server.online = false;
    const list = await cli.run(["list", "inbox", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toContain("offline");
    expect(list.json().at(-1)).toMatchObject({ type: "end", source: "cache" });
    const id = (list.json()[0] as { id: string }).id;
    const read = (await cli.run(["read", id, "--json"])).json()[0] as {
      source: string;
      message: { text: string };
    };
    expect(read).toMatchObject({ source: "cache" });
    expect(read.message.text).toContain("Body of");
    expect((await cli.run(["folders", "--json"])).json()[0]).toMatchObject({ source: "cache" });
  });

  it("a sync cut by a lost connection keeps what it got and resumes without duplicates", async () => {
    server.readsBeforeFailure = 5;
    const first = await cli.run(["sync", "--json"]);
    expect(first.code).toBe(4);
    const cut = first.json().at(-1) as { downloaded: number; interrupted: { code: string } };
    expect(cut.downloaded).toBe(5);
    expect(cut.interrupted.code).toBe("MW_CONNECTION");

    server.online = true;
    server.readsBeforeFailure = undefined;
    const second = await cli.run(["sync", "--json"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().at(-1)).toMatchObject({ downloaded: 7, alreadyCached: 5 });
    // Each message fetched exactly once over both runs.
    expect(new Set(server.reads).size).toBe(12);
    expect(server.reads.length).toBe(12);
  });

  it("offline changes apply to the store at once and reach the server at the next sync", async () => {
    await cli.run(["sync"]);
    const [first, second] = [...server.messages.values()].filter((m) => m.folderId === "f-inbox");
    server.online = false;
    expect((await cli.run(["mark-read", first?.id as string, "--json"])).json()[0]).toMatchObject({
      queued: true,
    });
    expect((await cli.run(["delete", second?.id as string])).code).toBe(0);
    const send = await cli.run([
      "send",
      "--to",
      "a@example.test",
      "--subject",
      "from the train",
      "--text",
      "hi",
      "--json",
    ]);
    expect(send.json()[0]).toMatchObject({ queued: true });
    const offlineList = (await cli.run(["list", "inbox", "--all", "--json"])).json() as {
      id?: string;
      read?: boolean;
    }[];
    expect(offlineList.find((m) => m.id === first?.id)?.read).toBe(true);
    expect(offlineList.some((m) => m.id === second?.id)).toBe(false);

    server.online = true;
    const sync = await cli.run(["sync", "--json"]);
    expect(sync.json().at(-1)).toMatchObject({ replayed: 3 });
    expect(server.messages.get(first?.id as string)?.read).toBe(true);
    expect(server.messages.has(second?.id as string)).toBe(false);
    expect(server.sent.map((m) => m.subject)).toEqual(["from the train"]);
    // Replayed once only.
    await cli.run(["sync"]);
    expect(server.sent.length).toBe(1);
  });

  it("offline, a message never synced is not found (5); connect without the server exits 4", async () => {
    server.online = false;
    const run = await cli.run(["read", "m1"]);
    expect(run.code).toBe(5);
    const noStore = await cliHarness(memoryBackend(server), PASSWORD);
    const connectOffline = await noStore.run(["connect", "user@example.test"]);
    expect(connectOffline.code).toBe(4);
    await noStore.cleanup();
  });
});

describe("watch", () => {
  beforeEach(async () => {
    await connect(["--link-kbps", "10000"]);
  });

  it("every N: a send/receive per interval reports mail that arrived in between", async () => {
    const running = cli.run([
      "watch",
      "--schedule",
      "every:1",
      "--interval",
      "0.05",
      "--max-new",
      "2",
      "--for",
      "10",
      "--json",
    ]);
    await new Promise((r) => setTimeout(r, 100));
    server.deliver("late one");
    server.deliver("late two");
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    const news = (run.json() as { type: string; message?: { subject: string } }[]).filter(
      (r) => r.type === "new",
    );
    expect(news.map((r) => r.message?.subject)).toEqual(["late one", "late two"]);
  });

  it("at-start: a pass, then push notifications", async () => {
    const running = cli.run(["watch", "--max-new", "1", "--for", "10", "--json"]);
    await new Promise((r) => setTimeout(r, 100));
    server.deliver("pushed");
    const records = (await running).json() as { type: string; trigger?: string }[];
    expect(records[0]).toMatchObject({ type: "pass", trigger: "at-start" });
    expect(records.some((r) => r.type === "event")).toBe(true);
    expect(records.at(-1)).toMatchObject({ type: "new", message: { subject: "pushed" } });
  });

  it("manual: a send/receive per line on stdin", async () => {
    const stdin = new PassThrough();
    const running = cli.run(["watch", "--schedule", "manual", "--max-new", "1", "--for", "5", "--json"], {
      stdin,
    });
    await new Promise((r) => setTimeout(r, 100));
    server.deliver("waiting");
    stdin.write("\n");
    const run = await running;
    const records = run.json() as { type: string; trigger?: string; message?: { subject: string } }[];
    expect(records[0]).toMatchObject({ type: "pass", trigger: "manual" });
    expect(records.find((r) => r.type === "new")?.message?.subject).toBe("waiting");
  });
});
