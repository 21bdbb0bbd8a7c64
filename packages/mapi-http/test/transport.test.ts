import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, type HttpClient } from "@mailwire/core";
import { decodeRpcHeaderExtChain, encodeRpcHeaderExtChain, SessionResetError } from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeExecuteRequest,
  encodeConnectResponse,
  encodeExecuteResponse,
  encodeMetaTag,
  encodeResponseTail,
  MapiHttpError,
  MapiHttpMailboxTransport,
  MetaTag,
} from "../src/index.js";

// The transport against a scripted HTTP server: each test sets `script` to answer requests.

type Script = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;
let script: Script = () => undefined;
let server: Server;
let http: HttpClient;
let url: string;
const seen: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ headers: req.headers, body });
    await script(req, body, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mapi/emsmdb/`;
  http = createHttpClient({ retry: false });
});

afterAll(async () => {
  await http.close();
  server.close();
});

const connectOk = encodeConnectResponse({
  statusCode: 0,
  errorCode: 0,
  maximumPollingInterval: 60_000,
  retryCount: 6,
  retryDelay: 10_000,
  dnPrefix: "/o=Test",
  displayName: "Test User",
  auxiliaryBuffer: new Uint8Array(0),
});

function okBody(body: Uint8Array, keepAlives = 0): Buffer {
  return Buffer.concat([
    encodeMetaTag(MetaTag.PROCESSING),
    ...Array.from({ length: keepAlives }, () => encodeMetaTag(MetaTag.PENDING)),
    encodeMetaTag(MetaTag.DONE),
    encodeResponseTail(
      { "X-ResponseCode": "0", "X-ElapsedTime": "1", "X-StartTime": "Mon, 23 Nov 2026 10:00:00 GMT" },
      body,
    ),
  ]);
}

function head(res: ServerResponse, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(200, { "Content-Type": "application/mapi-http", "X-ResponseCode": "0", ...extra });
}

/** Echoes the ROP buffer of an Execute back, as the server's ROP output. */
function executeEcho(body: Buffer): Uint8Array {
  const request = decodeExecuteRequest(body);
  const rops = decodeRpcHeaderExtChain(request.ropBuffer).payloads[0] as Uint8Array;
  return encodeExecuteResponse({
    statusCode: 0,
    errorCode: 0,
    flags: 0,
    ropBuffer: encodeRpcHeaderExtChain([rops]),
    auxiliaryBuffer: new Uint8Array(0),
  });
}

describe("MapiHttpMailboxTransport", () => {
  it("sends the MS-OXCMAPIHTTP headers, a growing X-RequestId and the cookies it was given", async () => {
    script = (req, body, res) => {
      if (req.headers["x-requesttype"] === "Connect") {
        head(res, {
          "Set-Cookie": ["MapiContext=ctx1; path=/", "MapiSequence=s1; path=/"],
          "X-ServerApplication": "Exchange/15.02.1544.004",
        });
        res.end(okBody(connectOk));
      } else {
        head(res, { "Set-Cookie": "MapiSequence=s2; path=/" });
        res.end(okBody(executeEcho(body)));
      }
    };
    seen.length = 0;
    const t = new MapiHttpMailboxTransport({
      url,
      userDn: "/o=Test/cn=Recipients/cn=u",
      http,
      clientApplication: "Outlook/16.0.0.0",
    });
    const info = await t.connect();
    expect(info).toMatchObject({
      displayName: "Test User",
      dnPrefix: "/o=Test",
      maximumPollingIntervalMs: 60_000,
    });
    const rops = Uint8Array.of(2, 0);
    expect([...(await t.execute(rops))]).toEqual([...rops]);
    await t.execute(rops);
    const [connect, first, second] = seen;
    expect(connect?.headers).toMatchObject({
      "content-type": "application/mapi-http",
      "x-requesttype": "Connect",
      "x-clientapplication": "Outlook/16.0.0.0",
    });
    expect(connect?.headers.cookie).toBeUndefined();
    const ids = seen.map((s) => String(s.headers["x-requestid"]));
    expect(ids[0]).toMatch(/^\{[0-9A-F-]{36}\}:1$/);
    expect(ids.map((id) => id.split(":")[1])).toEqual(["1", "2", "3"]);
    expect(first?.headers.cookie).toBe("MapiContext=ctx1; MapiSequence=s1");
    expect(second?.headers.cookie).toBe("MapiContext=ctx1; MapiSequence=s2");
    expect(t.serverApplication).toBe("Exchange/15.02.1544.004");
    // Execute Flags ask for plain responses by default (NoCompression | NoXorMagic).
    expect(decodeExecuteRequest(first?.body as Buffer).flags).toBe(3);
  });

  it("reads a response whose chunks split it at every offset, with PENDING keep-alives", async () => {
    const t = new MapiHttpMailboxTransport({ url, userDn: "/o=Test", http });
    script = (_req, _body, res) => {
      head(res, { "Set-Cookie": "MapiContext=c; path=/" });
      res.end(okBody(connectOk));
    };
    await t.connect();
    let cut = 0;
    script = async (_req, body, res) => {
      const whole = okBody(executeEcho(body), 2);
      head(res);
      res.write(whole.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 1));
      res.end(whole.subarray(cut));
    };
    const rops = Uint8Array.of(5, 0, 1, 2, 3);
    const total = okBody(
      encodeExecuteResponse({
        statusCode: 0,
        errorCode: 0,
        flags: 0,
        ropBuffer: encodeRpcHeaderExtChain([rops]),
        auxiliaryBuffer: new Uint8Array(0),
      }),
      2,
    ).length;
    for (cut = 0; cut <= total; cut += 1) expect([...(await t.execute(rops))]).toEqual([...rops]);
    expect(t.stats.pendingKeepAlives).toBe(2 * (total + 1));
  });

  it("a non-zero X-ResponseCode is a MapiHttpError; code 10 reconnects and throws SessionResetError without resending", async () => {
    const t = new MapiHttpMailboxTransport({ url, userDn: "/o=Test", http });
    script = (_req, _body, res) => {
      head(res, { "Set-Cookie": "MapiContext=c; path=/" });
      res.end(okBody(connectOk));
    };
    await t.connect();
    script = (_req, _body, res) => {
      res.writeHead(200, { "X-ResponseCode": "4", "Content-Length": "0" });
      res.end();
    };
    await expect(t.execute(Uint8Array.of(2, 0))).rejects.toMatchObject({
      name: "MapiHttpError",
      responseCode: 4,
    });
    seen.length = 0;
    script = (req, _body, res) => {
      if (req.headers["x-requesttype"] === "Connect") {
        head(res, { "Set-Cookie": "MapiContext=fresh; path=/" });
        res.end(okBody(connectOk));
      } else {
        res.writeHead(200, { "X-ResponseCode": "10", "Content-Length": "0" });
        res.end();
      }
    };
    const error = await t.execute(Uint8Array.of(2, 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionResetError);
    expect(seen.map((s) => s.headers["x-requesttype"])).toEqual(["Execute", "Connect"]);
    expect(t.cookie("MapiContext")).toBe("fresh");
  });

  it("an X-ResponseCode after DONE counts too, and a body cut before DONE is a ParseError", async () => {
    const t = new MapiHttpMailboxTransport({ url, userDn: "/o=Test", http });
    script = (_req, _body, res) => {
      head(res);
      res.end(
        Buffer.concat([
          encodeMetaTag(MetaTag.PROCESSING),
          encodeMetaTag(MetaTag.DONE),
          encodeResponseTail({ "X-ResponseCode": "9" }, new Uint8Array(0)),
        ]),
      );
    };
    await expect(t.connect()).rejects.toBeInstanceOf(MapiHttpError);
    script = (_req, _body, res) => {
      head(res);
      res.end(encodeMetaTag(MetaTag.PROCESSING));
    };
    await expect(t.connect()).rejects.toMatchObject({ code: "MW_PARSE" });
  });

  it("rejects at once on an aborted signal", async () => {
    const t = new MapiHttpMailboxTransport({ url, userDn: "/o=Test", http });
    seen.length = 0;
    await expect(t.connect({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "MW_ABORTED" });
    expect(seen).toHaveLength(0);
  });
});
