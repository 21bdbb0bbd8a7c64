import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEwsClient, type EwsClient } from "../src/index.js";
import { Base64Decoder } from "../src/streaming/base64-decoder.js";

// Uploads of a large body stream: CreateAttachment and UploadItems with a 100 MB source are
// base64-encoded while the request is written, so neither the bytes nor their base64 exist
// whole in memory (the counterpart of content-stream.test.ts's 100 MB download). The server
// here is in this process and reads the request as it arrives (decoding the one base64 element
// into a SHA-256), so the bound covers both ends.

const TOTAL = 100 * 1024 * 1024;
const BLOCK = randomBytes(64 * 1024);
const ENVELOPE = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`;
const ENVELOPE_END = "</s:Body></s:Envelope>";
const M = `xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"`;

/** 100 MB in 64 KiB chunks (the same block, so the source itself holds nothing), hashed as produced. */
function source(hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let sent = 0; sent < TOTAL; sent += BLOCK.length) {
      hash.update(BLOCK);
      yield BLOCK;
    }
  })();
}

interface Received {
  operation: string;
  bytes: number;
  sha256: string;
}

/** Reads a request as it arrives: the markup up to `open`, then base64 decoded into a hash until the next "<". */
async function receive(req: IncomingMessage, open: string): Promise<Received> {
  let head = "";
  let state: "head" | "content" | "tail" = "head";
  const decoder = new Base64Decoder();
  const hash = createHash("sha256");
  let bytes = 0;
  const feed = (text: string) => {
    const end = text.indexOf("<");
    const content = end === -1 ? text : text.slice(0, end);
    const decoded = decoder.push(content);
    bytes += decoded.length;
    hash.update(decoded);
    if (end !== -1) state = "tail";
  };
  req.setEncoding("latin1");
  for await (const chunk of req as AsyncIterable<string>) {
    if (state === "head") {
      head += chunk;
      const at = head.indexOf(open);
      if (at === -1) {
        if (head.length > 64 * 1024) throw new Error("no payload element in the first 64 KiB");
        continue;
      }
      state = "content";
      const rest = head.slice(at + open.length);
      head = head.slice(0, at);
      feed(rest);
    } else if (state === "content") feed(chunk);
  }
  const last = decoder.flush();
  bytes += last.length;
  hash.update(last);
  const operation = /<m:(\w+)/.exec(head)?.[1] ?? "";
  return { operation, bytes, sha256: hash.digest("hex") };
}

let server: Server;
let client: EwsClient;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = req.headers.soapaction?.includes("UploadItems") ? "<t:Data>" : "<t:Content>";
    receive(req, body).then(
      (result) => {
        received.push(result);
        const reply =
          result.operation === "UploadItems"
            ? `<m:UploadItemsResponse ${M}><m:ResponseMessages><m:UploadItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ItemId Id="up-1" ChangeKey="ck"/></m:UploadItemsResponseMessage></m:ResponseMessages></m:UploadItemsResponse>`
            : `<m:CreateAttachmentResponse ${M}><m:ResponseMessages><m:CreateAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="att-1" RootItemId="msg-1" RootItemChangeKey="ck2"/></t:FileAttachment></m:Attachments></m:CreateAttachmentResponseMessage></m:ResponseMessages></m:CreateAttachmentResponse>`;
        res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
        res.end(`${ENVELOPE}${reply}${ENVELOPE_END}`);
      },
      (error: unknown) => {
        res.writeHead(400);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = createEwsClient({
    url: `http://127.0.0.1:${port}/EWS/Exchange.asmx`,
    timeouts: { bodyMs: 120_000 },
  });
  // A small streamed request first: loading and compiling the HTTP stack (undici's WebAssembly
  // parser costs ~30 MiB of RSS once) and the streamed-body path is not what the bound is about.
  const warmUp = (async function* () {
    for (let i = 0; i < 16; i++) yield BLOCK;
  })();
  await client.createAttachments({ id: "msg-1" }, [{ name: "warm-up", content: warmUp }]);
});

afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Runs `upload` while sampling RSS and heap growth over the baseline; returns the peak growth. */
async function peakGrowth(upload: () => Promise<void>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss - before.rss, now.heapUsed - before.heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    await upload();
  } finally {
    clearInterval(timer);
  }
  sample();
  return peak;
}

describe("streamed uploads keep memory flat", () => {
  it("CreateAttachment of 100 MB from a stream", async () => {
    const hash = createHash("sha256");
    let result: Awaited<ReturnType<EwsClient["createAttachments"]>> = [];
    const peak = await peakGrowth(async () => {
      result = await client.createAttachments({ id: "msg-1", changeKey: "ck" }, [
        { name: "big.bin", content: source(hash) },
      ]);
    });
    const [first] = result;
    expect(first?.ok && first.value).toEqual({
      attachmentId: "att-1",
      rootItemId: { id: "msg-1", changeKey: "ck2" },
    });
    const got = received.at(-1);
    expect(got?.operation).toBe("CreateAttachment");
    expect(got?.bytes).toBe(TOTAL);
    expect(got?.sha256).toBe(hash.digest("hex"));
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 180_000);

  it("UploadItems of 100 MB from a stream", async () => {
    const hash = createHash("sha256");
    let result: Awaited<ReturnType<EwsClient["uploadItems"]>> = [];
    const peak = await peakGrowth(async () => {
      result = await client.uploadItems([{ parentFolder: { id: "fld-inbox" }, data: source(hash) }]);
    });
    const [first] = result;
    expect(first?.ok && first.value).toEqual({ id: "up-1", changeKey: "ck" });
    const got = received.at(-1);
    expect(got?.operation).toBe("UploadItems");
    expect(got?.bytes).toBe(TOTAL);
    expect(got?.sha256).toBe(hash.digest("hex"));
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 180_000);
});
