import { LimitExceededError, MailwireError, ParseError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CookieJar,
  decodeConnectRequest,
  decodeConnectResponse,
  decodeDisconnectResponse,
  decodeExecuteRequest,
  decodeExecuteResponse,
  decodeNotificationWaitResponse,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeDisconnectResponse,
  encodeExecuteRequest,
  encodeExecuteResponse,
  encodeMetaTag,
  encodeNotificationWaitResponse,
  encodeResponseTail,
  MAPI_HTTP_CONTENT_TYPE,
  MailboxRequestType,
  MapiHttpResponseCode,
  MapiHttpResponseParser,
  MetaTag,
} from "../src/index.js";
import { readVectorJson, readVectorText } from "./vectors.js";

/** Feeds `bytes` to a fresh parser in the given pieces. */
function parse(pieces: readonly Uint8Array[]) {
  const parser = new MapiHttpResponseParser();
  for (const piece of pieces) parser.push(piece);
  return parser.finish();
}

/**
 * Turns the spec's template response body (after the blank line that ends the HTTP headers)
 * into bytes: `<CRLF>`/`<CLRF>` (sic) mark line ends, header lines end with CRLF, and
 * `<RESPONSE BODY>` stands for the binary body.
 */
function templateBody(lines: readonly string[], body: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const line of lines) {
    if (line === "<RESPONSE BODY>") parts.push(body);
    else if (line === "<CRLF>") parts.push(Buffer.from("\r\n"));
    else
      parts.push(Buffer.from(`${line.replace(/<(CRLF|CLRF)>$/, "").replace(/<[^>]+>/g, "1")}\r\n`, "latin1"));
  }
  return Buffer.concat(parts);
}

describe("MS-OXCMAPIHTTP 4.1/4.2 examples", () => {
  const connect = readVectorText("mapihttp/ms-oxcmapihttp-4.1-connect-example.txt").split("\n");
  const serverStart = connect.indexOf("# Server response");
  const response = connect.slice(serverStart + 1);
  const blank = response.indexOf("");
  const headerLines = response.slice(0, blank);
  const bodyLines = response.slice(blank + 1).filter((l) => !l.startsWith("#") && l !== "");

  it("4.1: the response headers carry what the transport reads", () => {
    expect(headerLines).toContain(`Content-Type: ${MAPI_HTTP_CONTENT_TYPE}`);
    expect(headerLines).toContain("X-PendingPeriod: 15000");
    expect(headerLines).toContain(`X-RequestType: ${MailboxRequestType.Connect}`);
    expect(headerLines).toContain(`X-ResponseCode: ${MapiHttpResponseCode.Success}`);
    expect(headerLines.filter((h) => h.startsWith("Set-Cookie:"))).toHaveLength(2);
  });

  it("4.1: PROCESSING, DONE, the additional headers and the body parse at every split", () => {
    const binary = encodeConnectResponse({
      statusCode: 0,
      errorCode: 0,
      maximumPollingInterval: 60_000,
      retryCount: 6,
      retryDelay: 10_000,
      dnPrefix: "/o=Example",
      displayName: "Alice",
      auxiliaryBuffer: new Uint8Array(0),
    });
    const bytes = templateBody(bodyLines, binary);
    for (let a = 0; a <= bytes.length; a++) {
      const parts = parse([bytes.subarray(0, a), bytes.subarray(a)]);
      expect(parts.metaTags).toEqual([MetaTag.PROCESSING, MetaTag.DONE]);
      expect(parts.headers.get("x-responsecode")).toBe("0");
      expect(parts.headers.has("x-elapsedtime")).toBe(true);
      expect(parts.headers.has("x-starttime")).toBe(true);
      expect(decodeConnectResponse(parts.body)).toMatchObject({ statusCode: 0, displayName: "Alice" });
    }
  });

  it("4.2: the chunk sizes C and 9 are the PROCESSING and PENDING lines", () => {
    const execute = readVectorText("mapihttp/ms-oxcmapihttp-4.2-execute-example.txt");
    expect(execute).toContain("C<CRLF>\nPROCESSING<CRLF>");
    expect(execute).toContain("9<CRLF>\nPENDING<CRLF>");
    expect(encodeMetaTag(MetaTag.PROCESSING).length).toBe(0xc);
    expect(encodeMetaTag(MetaTag.PENDING).length).toBe(9);
    expect(execute).toContain("Cookie: MapiContext=");
    expect(execute).toContain("Cookie: MapiSequence=");
  });

  it("facts: request types and the meaning of X-ResponseCode 10", () => {
    const facts = readVectorJson<{
      x_request_type_values: { mailbox_endpoint: string[] };
      x_response_code_known_values: Record<string, string>;
    }>("mapihttp/ms-oxcmapihttp-envelope-facts.json");
    expect(Object.values(MailboxRequestType)).toEqual(facts.x_request_type_values.mailbox_endpoint);
    expect(facts.x_response_code_known_values["10"]).toMatch(/reconnect/);
    expect(MapiHttpResponseCode.ContextNotFound).toBe(10);
  });
});

describe("MapiHttpResponseParser", () => {
  const ropBody = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
  const full = Buffer.concat([
    encodeMetaTag(MetaTag.PROCESSING),
    encodeMetaTag(MetaTag.PENDING),
    encodeMetaTag(MetaTag.PENDING),
    encodeMetaTag(MetaTag.DONE),
    encodeResponseTail(
      { "X-ResponseCode": "0", "X-ElapsedTime": "31000", "X-StartTime": "Mon, 23 Nov 2026 09:00:00 GMT" },
      ropBody,
    ),
  ]);

  it("PENDING keep-alives: split at every offset, and byte by byte", () => {
    for (let a = 0; a <= full.length; a++) {
      for (const b of [a, Math.min(full.length, a + 1), Math.min(full.length, a + 13)]) {
        const parts = parse([full.subarray(0, a), full.subarray(a, b), full.subarray(b)]);
        expect(parts.metaTags).toEqual(["PROCESSING", "PENDING", "PENDING", "DONE"]);
        expect(parts.headers.get("x-elapsedtime")).toBe("31000");
        expect(Buffer.from(parts.body).equals(Buffer.from(ropBody))).toBe(true);
      }
    }
    const seen: string[] = [];
    const parser = new MapiHttpResponseParser({ onMetaTag: (t) => seen.push(t) });
    for (const byte of full) parser.push(Uint8Array.of(byte));
    expect(seen).toEqual(["PROCESSING", "PENDING", "PENDING", "DONE"]);
    expect(parser.finish().body.length).toBe(300);
  });

  it("a body that ends before DONE or inside the headers is a ParseError", () => {
    for (let a = 0; a < full.indexOf("\r\n\r\n", full.indexOf("DONE")) + 4; a++) {
      expect(() => parse([full.subarray(0, a)])).toThrow(ParseError);
    }
  });

  it("refuses unknown meta-tags, bare LF and over-long lines", () => {
    expect(() => parse([Buffer.from("PROCESSING\r\nWAITING\r\n")])).toThrow(/Unknown MAPI\/HTTP meta-tag/);
    expect(() => parse([Buffer.from("PROCESSING\n")])).toThrow(/Bare LF/);
    expect(() => parse([Buffer.from("PROCESSING\rX")])).toThrow(/not followed by LF/);
    expect(() => parse([Buffer.alloc(5000, 0x41)])).toThrow(LimitExceededError);
    expect(() => parse([Buffer.from("DONE\r\nno colon here\r\n\r\n")])).toThrow(
      /Malformed additional header/,
    );
  });

  it("fast-check: random bytes in random pieces give parts or a MailwireError, never anything else", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (pieces) => {
        try {
          parse(pieces);
        } catch (error) {
          expect(error).toBeInstanceOf(MailwireError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("fast-check: any tag sequence and headers round-trip at any split", () => {
    const tags = fc.array(fc.constantFrom(MetaTag.PROCESSING, MetaTag.PENDING), { maxLength: 6 });
    // Header names are case-insensitive (RFC 9110 5.1): generate names that differ in more
    // than case, or "X-x" and "X-X" would rightly be read as one header.
    const headers = fc
      .uniqueArray(
        fc.tuple(
          fc.stringMatching(/^X-[A-Za-z]{1,12}$/),
          fc.stringMatching(/^[ -~]{0,30}$/).map((s) => s.trim()),
        ),
        { maxLength: 5, selector: ([name]) => name.toLowerCase() },
      )
      .map((entries) => Object.fromEntries(entries));
    fc.assert(
      fc.property(
        tags,
        headers,
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        (metaTags, extra, body, cut) => {
          const bytes = Buffer.concat([
            ...metaTags.map(encodeMetaTag),
            encodeMetaTag(MetaTag.DONE),
            encodeResponseTail(extra, body),
          ]);
          const at = cut % (bytes.length + 1);
          const parts = parse([bytes.subarray(0, at), bytes.subarray(at)]);
          expect(parts.metaTags).toEqual([...metaTags, MetaTag.DONE]);
          for (const [name, value] of Object.entries(extra))
            expect(parts.headers.get(name.toLowerCase())).toBe(value);
          expect(Buffer.from(parts.body).equals(Buffer.from(body))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("request and response bodies", () => {
  it("Connect request and both response forms round-trip", () => {
    const request = {
      userDn: "/o=Example/ou=Exchange/cn=Recipients/cn=alice",
      flags: 0,
      defaultCodePage: 1252,
      lcidSort: 1033,
      lcidString: 1033,
      auxiliaryBuffer: new Uint8Array([1, 2]),
    };
    const bytes = encodeConnectRequest(request);
    // UserDn null-terminated, then four 32-bit fields and the auxiliary buffer (2.2.4.1.1).
    expect(bytes.length).toBe(request.userDn.length + 1 + 16 + 4 + 2);
    expect(decodeConnectRequest(bytes)).toEqual(request);
    const failure = { statusCode: 0x80004005, auxiliaryBuffer: new Uint8Array(0) };
    expect(decodeConnectResponse(encodeConnectResponse(failure))).toEqual(failure);
    expect(encodeConnectResponse(failure).length).toBe(8);
  });

  it("Execute request and response round-trip; failure responses carry no RopBuffer", () => {
    const request = {
      flags: 3,
      ropBuffer: new Uint8Array([9, 8, 7]),
      maxRopOut: 0x10008,
      auxiliaryBuffer: new Uint8Array(0),
    };
    expect(decodeExecuteRequest(encodeExecuteRequest(request))).toEqual(request);
    const success = {
      statusCode: 0 as const,
      errorCode: 0,
      flags: 0,
      ropBuffer: new Uint8Array([1, 2, 3, 4]),
      auxiliaryBuffer: new Uint8Array(0),
    };
    expect(decodeExecuteResponse(encodeExecuteResponse(success))).toEqual(success);
    const failure = { statusCode: 5, auxiliaryBuffer: new Uint8Array(0) };
    expect(decodeExecuteResponse(encodeExecuteResponse(failure))).toEqual(failure);
  });

  it("Disconnect and NotificationWait responses round-trip", () => {
    const done = { statusCode: 0, errorCode: 0, auxiliaryBuffer: new Uint8Array(0) };
    expect(decodeDisconnectResponse(encodeDisconnectResponse(done))).toEqual(done);
    const wait = { statusCode: 0, errorCode: 0, eventPending: 1, auxiliaryBuffer: new Uint8Array(0) };
    expect(decodeNotificationWaitResponse(encodeNotificationWaitResponse(wait))).toEqual(wait);
  });

  it("fast-check: Execute/Connect response decoders take any bytes without crashing or over-allocating", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        for (const decode of [
          decodeExecuteResponse,
          decodeConnectResponse,
          decodeNotificationWaitResponse,
          decodeDisconnectResponse,
        ]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(MailwireError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("fast-check: Execute responses round-trip and every truncation is a ParseError", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.nat(),
        (rop, aux, flags) => {
          const response = {
            statusCode: 0 as const,
            errorCode: 0,
            flags,
            ropBuffer: rop,
            auxiliaryBuffer: aux,
          };
          const bytes = encodeExecuteResponse(response);
          expect(decodeExecuteResponse(bytes)).toEqual(response);
          for (let cut = 0; cut < bytes.length; cut++)
            expect(() => decodeExecuteResponse(bytes.subarray(0, cut))).toThrow(ParseError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a RopBufferSize larger than the body is refused before allocating", () => {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32LE(0xffff_fff0, 12);
    expect(() => decodeExecuteResponse(bytes)).toThrow(LimitExceededError);
  });
});

describe("CookieJar", () => {
  it("keeps MapiContext/MapiSequence, replaces them, drops expired ones", () => {
    const jar = new CookieJar();
    jar.store(["MapiContext=abc; path=/mapi/emsmdb/; secure", "MapiSequence=1-xyz; path=/"]);
    expect(jar.header()).toBe("MapiContext=abc; MapiSequence=1-xyz");
    jar.store("MapiSequence=2-xyz; path=/");
    expect(jar.get("MapiSequence")).toBe("2-xyz");
    jar.store("MapiContext=; expires=Thu, 01 Jan 1970 00:00:00 GMT");
    expect(jar.header()).toBe("MapiSequence=2-xyz");
    jar.store("MapiSequence=gone; Max-Age=0");
    expect(jar.header()).toBeUndefined();
  });
});
