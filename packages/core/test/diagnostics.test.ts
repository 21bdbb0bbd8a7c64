import { spawnSync } from "node:child_process";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ChannelName, publish } from "../src/index.js";

const source = fileURLToPath(new URL("../src/index.ts", import.meta.url));

describe("diagnostics", () => {
  it("builds the message only when someone listens", () => {
    let built = 0;
    const build = () => {
      built++;
      return { n: built };
    };
    publish(ChannelName.retry, build);
    expect(built).toBe(0);
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe(ChannelName.retry, listener);
    try {
      publish(ChannelName.retry, build);
    } finally {
      unsubscribe(ChannelName.retry, listener);
    }
    expect(built).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("NODE_DEBUG=mailwire prints events to stderr", () => {
    const script = `import { publish } from ${JSON.stringify(source)};
      publish("mailwire:pop3:command", () => ({ command: "STAT" }));`;
    const run = (nodeDebug: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, NODE_DEBUG: nodeDebug },
        encoding: "utf8",
        timeout: 30_000,
      });
    const on = run("mailwire");
    expect(on.status).toBe(0);
    expect(on.stderr).toMatch(/MAILWIRE \d+: mailwire:pop3:command \{"command":"STAT"\}/);
    const off = run("http");
    expect(off.stderr).not.toContain("mailwire:pop3:command");
  });
});
