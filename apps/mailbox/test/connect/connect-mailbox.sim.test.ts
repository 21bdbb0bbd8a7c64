import type { DiscoveryResult } from "@mailwire/autodiscover";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectMailboxOptions, connectMailbox } from "../../src/connect/connect-mailbox.js";
import { ConnectFailedError, MailboxErrorCode } from "../../src/errors.js";
import { routedHttp } from "./routed-http.js";

// connectMailbox end to end against exchange-sim: Autodiscover (POX over HTTPS + NTLM) finds
// the endpoints, then protocols are tried in Outlook's order.

let sim: ExchangeSim;
/** A second sim whose MAPI/HTTP endpoint is switched off (404), as on a server without it. */
let noMapi: ExchangeSim;

beforeAll(async () => {
  [sim, noMapi] = await Promise.all([
    startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } }),
    startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } }),
  ]);
  noMapi.route(
    "POST",
    "/mapi/emsmdb/",
    ({ req, res }) => {
      req.resume();
      res.writeHead(404, { "Content-Type": "text/plain" }).end("MAPI over HTTP is not enabled");
    },
    { auth: false },
  );
  // startSim points its RPC proxy at its own DCE/RPC server; this one has no server behind it.
  noMapi.rpcProxy.configure({ backend: undefined });
});
afterAll(async () => {
  await sim?.close();
  await noMapi?.close();
});

function options(server: ExchangeSim, extra: Partial<ConnectMailboxOptions> = {}): ConnectMailboxOptions {
  return {
    credentials: {
      username: server.credentials.username,
      password: server.credentials.password,
      domain: server.credentials.domain,
    },
    tls: { ca: server.caPem },
    discover: {
      createHttpClient: routedHttp(
        new Map([["https://autodiscover.mailwire.test", server.port]]),
        server.caPem,
      ),
      dns: { resolveSrv: async () => [] },
      probePort: async () => {
        throw new Error("closed");
      },
      methods: { autoconfig: false, ports: false },
      connectTimeoutMs: 1_000,
    },
    ...extra,
  };
}

describe("connectMailbox against exchange-sim", () => {
  let discovered: DiscoveryResult;

  it("autodiscover, then MAPI/HTTP: the first protocol in Outlook's order", async () => {
    const result = await connectMailbox(sim.credentials.email, options(sim));
    try {
      discovered = result.discovery;
      expect(result.mailbox.protocol).toBe("mapi-http");
      expect(result.attempts).toEqual([
        expect.objectContaining({
          protocol: "mapi-http",
          outcome: "connected",
          endpoint: expect.stringContaining("/mapi/emsmdb/"),
        }),
      ]);
      expect(result.discovery.source.method).toBe("pox");
      expect(result.discovery.trace.some((attempt) => attempt.outcome === "settings")).toBe(true);
      const inbox = (await result.mailbox.folders()).find((folder) => folder.role === "inbox");
      expect(inbox?.total).toBe(sim.store.messages(sim.store.specialFolder("inbox").id).length);
    } finally {
      await result.mailbox.close();
    }
  });

  it("without MAPI/HTTP, and an RPC proxy with no server behind it: EWS connects", async () => {
    const result = await connectMailbox(noMapi.credentials.email, options(noMapi));
    try {
      expect(result.mailbox.protocol).toBe("ews");
      expect(result.attempts.map((a) => [a.protocol, a.outcome])).toEqual([
        ["mapi-http", "failed"],
        ["rpc-http", "failed"],
        ["ews", "connected"],
      ]);
      expect(result.attempts[0]).toMatchObject({ step: "connect", errorCode: "MW_HTTP_STATUS" });
      expect(result.attempts[1]).toMatchObject({ step: "connect", errorCode: expect.stringMatching(/^MW_/) });
      expect(result.attempts[1]?.endpoint).toBe(new URL(noMapi.origin).host);
      for (const attempt of result.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
      const folders = await result.mailbox.folders();
      expect(folders.find((folder) => folder.role === "sent")?.name).toBe("Sent Items");
    } finally {
      await result.mailbox.close();
    }
  });

  it("without MAPI/HTTP, with a working RPC proxy: RPC/HTTP connects (Outlook Anywhere)", async () => {
    noMapi.rpcProxy.configure({ backend: { host: "127.0.0.1", port: noMapi.rpc.port } });
    const result = await connectMailbox(noMapi.credentials.email, options(noMapi));
    try {
      expect(result.mailbox.protocol).toBe("rpc-http");
      expect(result.attempts.map((a) => [a.protocol, a.outcome])).toEqual([
        ["mapi-http", "failed"],
        ["rpc-http", "connected"],
      ]);
      const inbox = (await result.mailbox.folders()).find((folder) => folder.role === "inbox");
      expect(inbox?.total).toBe(noMapi.store.messages(noMapi.store.specialFolder("inbox").id).length);
      expect(noMapi.rpcProxy.stats.virtualConnections).toBeGreaterThanOrEqual(1);
    } finally {
      await result.mailbox.close();
    }
  });

  it("a forced protocol is the only one tried", async () => {
    const result = await connectMailbox(sim.credentials.email, options(sim, { protocols: ["ews"] }));
    try {
      expect(result.mailbox.protocol).toBe("ews");
      expect(result.attempts.map((a) => a.protocol)).toEqual(["ews"]);
    } finally {
      await result.mailbox.close();
    }
  });

  it("a forced protocol the server does not offer fails with every attempt listed", async () => {
    const error = await connectMailbox(
      sim.credentials.email,
      options(sim, { protocols: ["imap", "pop3"] }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectFailedError);
    expect(error).toMatchObject({
      code: MailboxErrorCode.NO_ENDPOINT,
      step: "connect",
      attempts: [
        { protocol: "imap", outcome: "no-endpoint" },
        { protocol: "pop3", outcome: "no-endpoint" },
      ],
    });
  });

  it("a refused password is sent once: later protocols are skipped, and no error text carries it", async () => {
    const wrong = "Wrong-Passw0rd-for-contract!";
    const ewsBefore = sim.ews.requests.length;
    const error = await connectMailbox(
      sim.credentials.email,
      options(sim, {
        discovery: discovered,
        credentials: { username: sim.credentials.username, password: wrong, domain: sim.credentials.domain },
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectFailedError);
    const failed = error as ConnectFailedError;
    expect(failed.code).toBe("MW_AUTH_FAILED");
    expect(failed.attempts.map((a) => [a.protocol, a.outcome])).toEqual([
      ["mapi-http", "failed"],
      ["rpc-http", "skipped"],
      ["ews", "skipped"],
      ["imap", "skipped"],
      ["pop3", "skipped"],
    ]);
    expect(failed.attempts[0]).toMatchObject({ step: "authenticate", errorCode: "MW_AUTH_FAILED" });
    expect(sim.ews.requests.length).toBe(ewsBefore);
    const text = JSON.stringify({
      message: failed.message,
      attempts: failed.attempts,
      details: failed.details,
    });
    expect(text).not.toContain(wrong);
    expect(String((failed.cause as Error | undefined)?.message)).not.toContain(wrong);
  });

  it("Autodiscover failing is reported as the discover step", async () => {
    const error = await connectMailbox("nobody@unrouted.mailwire.test", {
      ...options(sim),
      discover: { ...options(sim).discover, connectTimeoutMs: 500 },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ step: "discover", protocol: undefined });
  });
});
