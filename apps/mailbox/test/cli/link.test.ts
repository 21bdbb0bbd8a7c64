import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { measureLink } from "../../src/link/measure-link.js";
import { LIGHT_PREFERENCE, protocolOrder, SLOW_LINK_KBPS } from "../../src/link/protocol-order.js";
import { PROTOCOL_PREFERENCE } from "../../src/mailbox.js";

// Link measurement against local servers that pace their bodies, and the protocol order it drives.

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Serves `total` bytes in `chunk`-byte writes every `everyMs`. */
async function pacedServer(total: number, chunk: number, everyMs: number): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": total });
    let sent = 0;
    const tick = () => {
      if (res.destroyed) return;
      const n = Math.min(chunk, total - sent);
      res.write(Buffer.alloc(n, 0x61));
      sent += n;
      if (sent < total) setTimeout(tick, everyMs);
      else res.end();
    };
    tick();
  });
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server?.once("listening", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
}

describe("measureLink", () => {
  it("a body paced at about 64 kbit/s measures slow", async () => {
    // 1 KiB every 125 ms = 8 KiB/s = 65.5 kbit/s.
    const url = await pacedServer(16 * 1024, 1024, 125);
    const m = await measureLink({ url });
    expect(m.kbps).not.toBeNull();
    expect(m.kbps as number).toBeGreaterThan(40);
    expect(m.kbps as number).toBeLessThan(90);
    expect(m.slow).toBe(true);
  });

  it("a fast body measures fast", async () => {
    const url = await pacedServer(256 * 1024, 64 * 1024, 1);
    const m = await measureLink({ url });
    expect(m.kbps as number).toBeGreaterThan(SLOW_LINK_KBPS * 10);
    expect(m.slow).toBe(false);
  });

  it("a body too small to time gives no figure, and counts as fast", async () => {
    const url = await pacedServer(300, 300, 1);
    const m = await measureLink({ url });
    expect(m).toMatchObject({ kbps: null, slow: false, bytes: 300 });
  });

  it("a refused connection is a ConnectionError; an abort stops it", async () => {
    await expect(measureLink({ url: "http://127.0.0.1:1/" })).rejects.toMatchObject({
      code: "MW_CONNECTION",
    });
    const url = await pacedServer(64 * 1024, 1024, 200);
    await expect(measureLink({ url, signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      code: "MW_ABORTED",
    });
  });
});

describe("protocolOrder", () => {
  it("is Outlook's preference on a fast or unknown link, lightest first under 128 kbit/s", () => {
    expect(protocolOrder()).toEqual([...PROTOCOL_PREFERENCE]);
    expect(protocolOrder({ kbps: 128 })).toEqual([...PROTOCOL_PREFERENCE]);
    expect(protocolOrder({ kbps: 127 })).toEqual([...LIGHT_PREFERENCE]);
    expect(protocolOrder({ kbps: 500, slowLinkKbps: 1000 })).toEqual([...LIGHT_PREFERENCE]);
  });

  it("a forced protocol is the only one; the profile's protocol goes first", () => {
    expect(protocolOrder({ forced: "pop3", kbps: 10 })).toEqual(["pop3"]);
    expect(protocolOrder({ preferred: "ews" })).toEqual(["ews", "mapi-http", "rpc-http", "imap", "pop3"]);
  });
});
