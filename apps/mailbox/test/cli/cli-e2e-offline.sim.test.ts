import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSimProfile } from "./connect-sim-profile.js";
import { requireBuiltCli, runCliProcess, spawnCli } from "./spawn-cli.js";

// Cached mode end to end: a sync killed mid-way and run again, then the server stopped in
// the middle of a session (reads come from the local store, a sync in flight stops and keeps
// what it had) and started again (the sync resumes). Spawned `node dist/cli.js` processes.

const FIXTURE = { messageCount: 120, largeMessageBytes: 0 };
let sim: ExchangeSim | undefined;
let port = 0;
let home: string;
let env: NodeJS.ProcessEnv;
let caFile: string;

type Done = {
  type: "done";
  listed: number;
  downloaded: number;
  alreadyCached: number;
  interrupted?: { code: string };
};

async function start(): Promise<ExchangeSim> {
  sim = await startSim({ port, fixture: FIXTURE });
  port = sim.port;
  await writeFile(caFile, sim.caPem);
  return sim;
}

/** Distinct message files in the store: each message once, however many runs wrote it. */
async function storedMessages(): Promise<number> {
  const profile = (await readdir(join(home, "cache")))[0] as string;
  return (await readdir(join(home, "cache", profile, "messages"))).filter((f) => f.endsWith(".json")).length;
}

beforeAll(async () => {
  requireBuiltCli();
  home = await mkdtemp(join(tmpdir(), "mailbox-offline-"));
  caFile = join(home, "ca.pem");
  const server = await start();
  env = { MAILBOX_HOME: home, MAILBOX_PASSWORD: server.credentials.password };
  await connectSimProfile(server, caFile, env);
});
afterAll(async () => {
  await sim?.close();
  await rm(home, { recursive: true, force: true });
});

describe("cached mode against exchange-sim", { timeout: 90_000 }, () => {
  it("a sync killed mid-way resumes: nothing downloaded twice, nothing missing", async () => {
    const first = spawnCli(["sync", "--json"], env);
    await first.waitForLine((line) => /"type":"message".*"done":10,/.test(line));
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const before = await storedMessages();
    expect(before).toBeGreaterThanOrEqual(10);

    const second = await runCliProcess(["sync", "--json"], env);
    expect(second.code, second.stderr).toBe(0);
    const done = second.json().at(-1) as Done;
    expect(done.alreadyCached).toBe(before);
    expect(done.downloaded + done.alreadyCached).toBe(done.listed);
    expect(await storedMessages()).toBe(done.listed);
    expect(done.listed).toBe(sim?.store.messages().length);
  });

  it("the server stopped mid-session: reads come from the store, a sync in flight stops and then resumes", {
    timeout: 90_000,
  }, async () => {
    // New mail so the next sync has work to do.
    const server = sim as ExchangeSim;
    const inbox = server.store.specialFolder("inbox").id;
    const template = server.store.messages(inbox)[0]?.fixture;
    for (let i = 0; i < 60; i++)
      server.store.addMessage(inbox, { ...template!, id: `late-${i}`, subject: `late ${i}` });

    const list = await runCliProcess(["list", "inbox", "--limit", "3", "--json"], env);
    const firstId = (list.json()[0] as { id: string }).id;

    const syncing = spawnCli(["sync", "--json"], env);
    await syncing.waitForLine((line) => /"type":"message".*"done":5,/.test(line));
    await server.close();
    sim = undefined;
    const cut = await syncing.done;
    expect(cut.code, cut.stderr).toBe(4);
    const interrupted = cut.json().at(-1) as Done;
    expect(interrupted.interrupted?.code).toMatch(/^MW_(CONNECTION|CONNECTION_CLOSED|TIMEOUT)$/);
    expect(cut.stderr).toContain("run `mailbox sync` again to resume");

    const offlineList = await runCliProcess(["list", "inbox", "--limit", "3", "--json"], env);
    expect(offlineList.code, offlineList.stderr).toBe(0);
    expect(offlineList.stderr).toContain("offline");
    expect(offlineList.json().at(-1)).toMatchObject({ type: "end", source: "cache", count: 3 });
    const offlineRead = await runCliProcess(["read", firstId, "--json"], env);
    expect(offlineRead.code, offlineRead.stderr).toBe(0);
    expect(offlineRead.json()[0]).toMatchObject({
      type: "message",
      source: "cache",
      message: { id: firstId },
    });
    expect((await runCliProcess(["sync"], env)).code).toBe(4);

    // Back on the same port with the same mailbox (the sim reseeds the same 120, without the late 60).
    await start();
    const resumed = await runCliProcess(["sync", "--json"], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = resumed.json().at(-1) as Done & { removed: number };
    expect(done.listed).toBe(FIXTURE.messageCount);
    expect(done.downloaded).toBe(0);
    expect(done.removed).toBe(60);
    expect(await storedMessages()).toBe(FIXTURE.messageCount);
  });
});
