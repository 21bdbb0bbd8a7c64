import { randomBytes } from "node:crypto";
import { LimitExceededError, ParseError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { EwsResponseError } from "../src/soap/ews-response-error.js";
import { Base64Decoder } from "../src/streaming/base64-decoder.js";
import { streamContent } from "../src/streaming/content-stream.js";

const T = "http://schemas.microsoft.com/exchange/services/2006/types";
const M = "http://schemas.microsoft.com/exchange/services/2006/messages";
const head = `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetAttachmentResponse xmlns:m="${M}" xmlns:t="${T}"><m:ResponseMessages><m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="att-1"/><t:Name>Bericht – Übersicht.pdf</t:Name><t:ContentType>application/pdf</t:ContentType><t:Size>SIZE</t:Size><t:Content>`;
const tail = `</t:Content></t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage></m:ResponseMessages></m:GetAttachmentResponse></s:Body></s:Envelope>`;

async function* chunks(parts: Iterable<Buffer>) {
  yield* parts;
}
async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}
const options = { element: "Content", container: "FileAttachment", maxFrameBytes: 64 * 1024 };

describe("streamContent", () => {
  it("decodes the content split at every offset, with metadata", async () => {
    const payload = randomBytes(300);
    const doc = Buffer.from(head.replace("SIZE", "300") + payload.toString("base64") + tail);
    for (let cut = 1; cut < doc.length; cut += 1) {
      for (const size of [cut]) {
        const parts = [doc.subarray(0, size), doc.subarray(size)];
        const { container, content } = await streamContent(chunks(parts), options);
        expect(await collect(content)).toEqual(payload);
        expect(container?.children.find((c) => c.name === "Name")?.text).toBe("Bericht – Übersicht.pdf");
      }
    }
  });

  it("decodes when every chunk is one byte", async () => {
    const payload = randomBytes(100);
    const doc = Buffer.from(head + payload.toString("base64") + tail);
    const parts = [...doc].map((byte) => Buffer.from([byte]));
    const { content } = await streamContent(chunks(parts), options);
    expect(await collect(content)).toEqual(payload);
  });

  it("an error response (no Content) rejects with the typed error", async () => {
    const doc = `<s:Envelope xmlns:s="x"><s:Body><m:GetAttachmentResponse xmlns:m="${M}"><m:ResponseMessages><m:GetAttachmentResponseMessage ResponseClass="Error"><m:MessageText>nope</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode><m:Attachments/></m:GetAttachmentResponseMessage></m:ResponseMessages></m:GetAttachmentResponse></s:Body></s:Envelope>`;
    await expect(streamContent(chunks([Buffer.from(doc)]), options)).rejects.toBeInstanceOf(EwsResponseError);
  });

  it("a response cut inside the content fails the stream", async () => {
    const doc = Buffer.from(head + randomBytes(3000).toString("base64"));
    const { content } = await streamContent(chunks([doc]), options);
    await expect(collect(content)).rejects.toBeInstanceOf(ParseError);
  });

  it("a response cut after the content fails the stream (frame is validated)", async () => {
    const doc = Buffer.from(head + randomBytes(30).toString("base64") + tail.slice(0, 40));
    const { content } = await streamContent(chunks([doc]), options);
    await expect(collect(content)).rejects.toBeInstanceOf(ParseError);
  });

  it("corrupt base64 fails instead of yielding other bytes", async () => {
    const doc = Buffer.from(`${head}QUJD*EVG${tail}`);
    const { content } = await streamContent(chunks([doc]), options);
    await expect(collect(content)).rejects.toBeInstanceOf(ParseError);
  });

  it("an endless prologue hits the frame limit", async () => {
    async function* endless() {
      yield Buffer.from(`<s:Envelope><s:Body>`);
      for (;;) yield Buffer.from("<t:X>padding padding padding</t:X>".repeat(100));
    }
    await expect(streamContent(endless(), options)).rejects.toBeInstanceOf(LimitExceededError);
  });

  it("100 MB keeps memory flat", async () => {
    const total = 100 * 1024 * 1024;
    const block = randomBytes(48 * 1024); // 64 KiB of base64 per chunk
    const blockBase64 = Buffer.from(block.toString("base64"));
    async function* huge() {
      yield Buffer.from(head.replace("SIZE", String(total)));
      for (let sent = 0; sent < total; sent += block.length) yield blockBase64;
      yield Buffer.from(tail);
    }
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    let received = 0;
    const { content } = await streamContent(huge(), options);
    for await (const chunk of content) {
      received += (chunk as Buffer).length;
      if (received % (8 * 1024 * 1024) < block.length) {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.rss - before.rss, now.heapUsed - before.heapUsed);
      }
    }
    expect(received).toBe(Math.ceil(total / block.length) * block.length);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});

describe("Base64Decoder", () => {
  it("handles padding, whitespace and any split", () => {
    const bytes = randomBytes(101);
    const text = bytes.toString("base64").replace(/(.{10})/g, "$1\r\n");
    for (let cut = 0; cut <= text.length; cut++) {
      const decoder = new Base64Decoder();
      const out = Buffer.concat([
        decoder.push(text.slice(0, cut)),
        decoder.push(text.slice(cut)),
        decoder.flush(),
      ]);
      expect(out).toEqual(bytes);
    }
  });
  it("refuses data after padding", () => {
    const decoder = new Base64Decoder();
    decoder.push("QQ==");
    expect(() => decoder.push("QQ==")).toThrow(ParseError);
  });
});
