import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import type { FixtureMessage } from "@mailwire/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSimProfile } from "./connect-sim-profile.js";
import { requireBuiltCli, runCliProcess } from "./spawn-cli.js";

// Cached mode keeps attachments: `sync --max-attachment-size N` stores every attachment up to
// N bytes and records the bigger ones as skipped; with the simulator stopped,
// `read --save-attachments` writes the kept ones from the store, byte for byte, and says which
// ones need the server (exit 4). Spawned `node dist/cli.js` processes.

let sim: ExchangeSim | undefined;
let home: string;
let env: NodeJS.ProcessEnv;

const largest = (message: FixtureMessage) => Math.max(...message.attachments.map((a) => a.bytes.length));

beforeAll(async () => {
  requireBuiltCli();
  home = await mkdtemp(join(tmpdir(), "mailbox-attachments-"));
  const caFile = join(home, "ca.pem");
  sim = await startSim({ fixture: { messageCount: 30, largeMessageBytes: 0 } });
  await writeFile(caFile, sim.caPem);
  env = { MAILBOX_HOME: home, MAILBOX_PASSWORD: sim.credentials.password };
  await connectSimProfile(sim, caFile, env);
});
afterAll(async () => {
  await sim?.close();
  await rm(home, { recursive: true, force: true });
});

describe("attachments in the local store", { timeout: 90_000 }, () => {
  it("sync keeps attachments up to the cap; offline read --save-attachments serves them and names the skipped ones", async () => {
    const server = sim as ExchangeSim;
    const inbox = server.store.messages(server.store.specialFolder("inbox").id).map((m) => m.fixture);
    const unique = inbox.filter(
      (m) => m.attachments.length > 0 && inbox.filter((o) => o.subject === m.subject).length === 1,
    );
    const bySize = [...unique].sort((a, b) => largest(a) - largest(b));
    const small = bySize[0] as FixtureMessage;
    const large = bySize.at(-1) as FixtureMessage;
    expect(largest(small)).toBeLessThan(largest(large));
    const cap = largest(small);

    const sync = await runCliProcess(["sync", "--json", "--max-attachment-size", String(cap)], env);
    expect(sync.code, sync.stderr).toBe(0);
    const done = sync.json().at(-1) as { attachmentsStored: number; attachmentsSkipped: number };
    expect(done.attachmentsStored).toBeGreaterThan(0);
    expect(done.attachmentsSkipped).toBeGreaterThan(0);

    const listed = (await runCliProcess(["list", "inbox", "--all", "--json"], env)).json() as {
      type: string;
      id: string;
      subject: string;
    }[];
    const idOf = (m: FixtureMessage) =>
      listed.find((l) => l.type === "message" && l.subject === m.subject)?.id;
    const smallId = idOf(small);
    const largeId = idOf(large);
    expect(smallId && largeId).toBeTruthy();

    await server.close();
    sim = undefined;

    // Every attachment of the small message is within the cap: all saved, from the store.
    const out = join(home, "saved-small");
    const read = await runCliProcess(["read", smallId as string, "--save-attachments", out, "--json"], env);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).toContain("offline");
    const doc = read.json()[0] as { source: string; saved: { name: string; path: string }[] };
    expect(doc.source).toBe("cache");
    expect(doc.saved.map((s) => s.name).sort()).toEqual(small.attachments.map((a) => a.name).sort());
    for (const saved of doc.saved) {
      const fixture = small.attachments.find((a) => a.name === saved.name);
      expect(Buffer.compare(await readFile(saved.path), Buffer.from(fixture?.bytes ?? []))).toBe(0);
    }

    // The large message's biggest attachment was over the cap: not saved, said so, exit 4.
    const outLarge = join(home, "saved-large");
    const readLarge = await runCliProcess(
      ["read", largeId as string, "--save-attachments", outLarge, "--json"],
      env,
    );
    expect(readLarge.code, readLarge.stderr).toBe(4);
    const docLarge = readLarge.json()[0] as {
      source: string;
      saved: { name: string }[];
      unavailable: { name: string; reason: string }[];
    };
    expect(docLarge.source).toBe("cache");
    const biggest = large.attachments.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    expect(docLarge.unavailable).toContainEqual({
      name: biggest.name,
      reason: expect.stringContaining(`over the ${cap}-byte cap`),
    });
    expect(readLarge.stderr).toContain(`not saved: ${biggest.name}`);
    expect(docLarge.saved.length + docLarge.unavailable.length).toBe(large.attachments.length);
  });
});
