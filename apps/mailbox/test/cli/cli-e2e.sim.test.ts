import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli, runCliProcess, spawnCli } from "./spawn-cli.js";

// The CLI end to end, as a user runs it: spawned `node dist/cli.js` processes against
// exchange-sim (HTTPS, NTLMv2, autodiscover routed to the sim with --autodiscover-url).
// Covers connect (trace, attempts, profile without password), reading, sending, cached mode
// with the sim stopped mid-session, a sync killed mid-way and resumed, and watch.

let sim: ExchangeSim;
let home: string;
let caFile: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireBuiltCli();
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
  home = await mkdtemp(join(tmpdir(), "mailbox-e2e-"));
  caFile = join(home, "sim-ca.pem");
  await writeFile(caFile, sim.caPem);
  env = { MAILBOX_HOME: home, MAILBOX_PASSWORD: sim.credentials.password };
});
afterAll(async () => {
  await sim?.close();
  await rm(home, { recursive: true, force: true });
});

const connectArgs = (extra: string[] = []) => [
  "connect",
  sim.credentials.email,
  "--autodiscover-url",
  sim.origin,
  "--ca-file",
  caFile,
  ...extra,
];

// Each test spawns several CLI processes, each a cold Node start plus a login: generous limits.
describe("mailbox CLI against exchange-sim", { timeout: 90_000 }, () => {
  it("connect shows autodiscover's trace and the attempts, and saves a profile without the password", async () => {
    const run = await runCliProcess(connectArgs(), env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Autodiscover for ${sim.credentials.email}`);
    expect(run.stdout).toMatch(/found by (pox|soap)/);
    expect(run.stdout).toMatch(/pox +settings 200/);
    expect(run.stdout).toContain("Trying mapi-http, rpc-http, ews, imap, pop3");
    expect(run.stdout).toMatch(/mapi-http connected/);
    const text = await readFile(join(home, "profiles", `${sim.credentials.email}.json`), "utf8");
    expect(text).not.toContain(sim.credentials.password);
    expect(JSON.parse(text)).toMatchObject({
      protocol: "mapi-http",
      credential: { kind: "env", variable: "MAILBOX_PASSWORD" },
    });
  });

  it("--protocol ews --json: one document with discovery, order and attempts", async () => {
    const run = await runCliProcess(connectArgs(["--protocol", "ews", "--name", "ews", "--json"]), env);
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json()[0] as Record<string, unknown>;
    expect(doc).toMatchObject({ type: "connect", protocol: "ews", order: ["ews"], passwordSaved: false });
    expect((doc.attempts as { outcome: string }[]).map((a) => a.outcome)).toEqual(["connected"]);
    expect((doc.discovery as { trace: unknown[] }).trace.length).toBeGreaterThan(0);
  });

  it("a wrong password: commands exit 3 naming the protocol and step; connect names the discover step", async () => {
    const wrong = { ...env, MAILBOX_PASSWORD: "Wrong-Passw0rd" };
    const run = await runCliProcess(["folders", "--profile", sim.credentials.email, "--json"], wrong);
    expect(run.code).toBe(3);
    const error = (
      run.json()[0] as {
        error: { code: string; attempts: { protocol: string; step?: string; outcome: string }[] };
      }
    ).error;
    expect(error.code).toBe("MW_AUTH_FAILED");
    expect(error.attempts[0]).toMatchObject({
      protocol: "mapi-http",
      outcome: "failed",
      step: "authenticate",
    });
    expect(run.stderr).toContain("mapi-http");
    expect(run.stdout + run.stderr).not.toContain("Wrong-Passw0rd");

    const connect = await runCliProcess(connectArgs(["--name", "bad", "--json"]), wrong);
    expect(connect.code).not.toBe(0);
    expect(connect.json()[0]).toMatchObject({ type: "error", error: { step: "discover" } });
    expect(connect.stdout + connect.stderr).not.toContain("Wrong-Passw0rd");
  });

  it("folders, list, read with attachments saved, search — over EWS (the profile made last)", async () => {
    const folders = (await runCliProcess(["folders", "--profile", "ews", "--json"], env)).json()[0] as {
      folders: { role?: string }[];
    };
    expect(folders.folders.some((f) => f.role === "inbox")).toBe(true);

    const list = await runCliProcess(["list", "inbox", "--profile", "ews", "--limit", "5", "--json"], env);
    expect(list.code, list.stderr).toBe(0);
    const records = list.json() as { type: string; id: string; subject: string }[];
    expect(records.filter((r) => r.type === "message")).toHaveLength(5);
    expect(records.at(-1)).toMatchObject({ type: "end", count: 5, more: true, source: "server" });

    const inbox = sim.store.specialFolder("inbox").id;
    const withAttachment = sim.store
      .messages(inbox)
      .find((m) => m.fixture.attachments.some((a) => !a.inline));
    expect(withAttachment).toBeDefined();
    const all = (
      await runCliProcess(["list", "inbox", "--profile", "ews", "--all", "--json"], env)
    ).json() as {
      id: string;
      subject: string;
    }[];
    const target = all.find((m) => m.subject === withAttachment?.fixture.subject);
    const dir = join(home, "attachments");
    const read = await runCliProcess(
      ["read", target?.id as string, "--profile", "ews", "--save-attachments", dir],
      env,
    );
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain(`Subject: ${withAttachment?.fixture.subject}`);
    expect(read.stdout).toContain("Attachments:");
    const saved = await readdir(dir);
    expect(saved.length).toBeGreaterThan(0);

    const search = await runCliProcess(
      ["search", "inbox", "--subject", withAttachment?.fixture.subject.slice(0, 12) as string, "--json"],
      env,
    );
    expect((search.json() as { type: string }[]).some((r) => r.type === "message")).toBe(true);
  });

  it("send over EWS delivers to the mailbox every protocol sees", async () => {
    const run = await runCliProcess(
      [
        "send",
        "--profile",
        "ews",
        "--to",
        sim.credentials.email,
        "--subject",
        "cli e2e send",
        "--text",
        "hello from the CLI",
        "--json",
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()[0]).toMatchObject({ type: "send", queued: false });
    expect(sim.store.messages().some((m) => m.fixture.subject === "cli e2e send")).toBe(true);
  });

  it("watch (every N) reports a message delivered while it runs", async () => {
    const watch = spawnCli(
      ["watch", "--schedule", "every:1", "--interval", "0.3", "--max-new", "1", "--for", "20", "--json"],
      env,
    );
    await watch.waitForLine((line) => line.includes('"type":"pass"'));
    sim.store.addMessage(sim.store.specialFolder("inbox").id, {
      ...sim.store.messages(sim.store.specialFolder("inbox").id)[0]!.fixture,
      id: "watch-1",
      subject: "arrived while watching",
    });
    const run = await watch.done;
    expect(run.code, run.stderr).toBe(0);
    const news = (run.json() as { type: string; message?: { subject: string } }[]).filter(
      (r) => r.type === "new",
    );
    expect(news.map((r) => r.message?.subject)).toEqual(["arrived while watching"]);
  });
});
