import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { requireDovecot } from "@mailwire/dovecot-harness";
import { FIXTURE_USER, fixtureMailbox, folderKey } from "@mailwire/fixtures";
import { beforeAll, describe, expect, it } from "vitest";
import type { DemoSummary } from "../src/summary.js";

// Runs the built demo as `npm run demo` does (node dist/cli.js), against the real local
// servers it starts, and checks what it reports against the fixture it seeds them with.

const packageDirectory = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const fixture = fixtureMailbox();
const inbox = fixture.messages.filter((message) => folderKey(message.folder) === "Inbox");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runDemo(args: string[], onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: packageDirectory,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("npm run demo (node dist/cli.js)", () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build -w @mailwire/demo first`);
  });

  it("--json: exits 0, reports what the fixture-seeded servers hold, and no password", {
    timeout: 60_000,
  }, async () => {
    const run = await runDemo(["--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(FIXTURE_USER.password);
    const summary = JSON.parse(run.stdout) as DemoSummary;
    expect(summary.ok).toBe(true);

    const { ntlm, bearer, refusals } = summary.exchange;
    expect(ntlm.whoami).toEqual({
      username: FIXTURE_USER.username,
      email: FIXTURE_USER.address,
      scheme: "ntlm",
    });
    expect(ntlm.requests).toBeGreaterThanOrEqual(20);
    expect(ntlm.ntlmHandshakes).toBe(1);
    expect(ntlm.connections).toBe(1);
    expect(ntlm.ntlmFailures).toBe(0);
    expect({ requireMic: ntlm.requireMic, channelBinding: ntlm.channelBinding }).toEqual({
      requireMic: true,
      channelBinding: "required",
    });
    expect(ntlm.folders).toHaveLength(fixture.folders.length);
    for (const folder of ntlm.folders) {
      const expected = fixture.messages.filter(
        (message) => folderKey(message.folder) === folderKey(folder.path),
      );
      expect(folder.messageCount, folderKey(folder.path)).toBe(expected.length);
    }

    expect(bearer.whoami.scheme).toBe("bearer");
    expect(bearer.bearerLogins).toBe(bearer.requests);
    expect(bearer.ntlmHandshakes).toBe(0);
    expect(refusals.map((refusal) => refusal.code)).toEqual([
      "MW_AUTH_FAILED",
      "MW_TLS",
      "MW_INSECURE_AUTH_REFUSED",
    ]);

    // Same policy as the integration tests: Dovecot missing skips this part locally, never under CI.
    const dovecot = requireDovecot(process.env, { warn: false });
    if (dovecot.skip) {
      expect(summary.dovecot).toMatchObject({ available: false });
      return;
    }
    if (!summary.dovecot.available) throw new Error(`Dovecot part did not run: ${summary.dovecot.reason}`);
    const { imap, pop3 } = summary.dovecot;
    expect(imap.exists).toBe(inbox.length);
    expect(imap.mechanism).toBe("SCRAM-SHA-256");
    expect(imap.capabilitiesBeforeTls).toContain("STARTTLS");
    expect(imap.firstMessages.map((message) => message.subject)).toEqual(
      inbox.slice(0, imap.firstMessages.length).map((message) => message.subject),
    );
    expect(imap.firstMessages.length).toBeGreaterThan(0);
    expect(pop3.messages).toBe(inbox.length);
    expect(pop3.octets).toBe(inbox.reduce((sum, message) => sum + message.size, 0));
    expect(pop3.mechanism).toBe("SCRAM-SHA-256");
  });

  it("narrative: exits 0 and prints the user name, never the password", { timeout: 60_000 }, async () => {
    const run = await runDemo([]);
    expect(run.code).toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).toContain(FIXTURE_USER.username);
    expect(output).toContain("NTLM handshakes          1");
    expect(output).not.toContain(FIXTURE_USER.password);
    expect(output).not.toContain(Buffer.from(FIXTURE_USER.password).toString("base64"));
  });

  it("Ctrl-C stops the simulator and exits 130", { timeout: 60_000 }, async () => {
    let url: string | undefined;
    const run = await runDemo([], (stdout, kill) => {
      const match = /Simulated Exchange \S+ at (https:\/\/\S+)/.exec(stdout);
      if (match && url === undefined) {
        url = match[1];
        kill("SIGINT");
      }
    });
    expect(url).toBeDefined();
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("stopping the servers");
    const { hostname, port } = new URL(url ?? "https://127.0.0.1:1/");
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it("rejects an unknown option with exit code 2", async () => {
    const run = await runDemo(["--nope"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("usage:");
  });
});
