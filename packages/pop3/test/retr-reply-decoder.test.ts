import { DotTerminatedDecoder, ErrorCode, isMailwireError, LineReader } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Pop3DecodedReply, Pop3Limits, parseStatusLine, RetrReplyDecoder } from "../src/index.js";
import { dotStuff } from "./support/messages.js";

/** What a decoded reply compares as: the body's bytes (latin1) or the -ERR text. */
type Plain = { ok: true; body: string } | { ok: false; text: string; code: string | undefined };

function plain(reply: Pop3DecodedReply): Plain {
  return reply.ok
    ? { ok: true, body: Buffer.from(reply.body).toString("latin1") }
    : { ok: false, text: reply.status.text, code: reply.status.responseCode };
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed: empty pieces are skipped). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

/**
 * The new path: every chunk through RetrReplyDecoder, asking for `wanted` replies. Returns the
 * replies and the bytes left over after the last one (what goes back to the line buffer).
 * Each chunk is decoded from one reused buffer that is scribbled over after every call, as
 * with a socket that decrypts into one read buffer: a decoder that kept a view would fail.
 */
function decodeNew(chunks: readonly Uint8Array[], wanted: number, maxBodyBytes?: number) {
  const decoder = new RetrReplyDecoder({ maxBodyBytes });
  const out: Pop3DecodedReply[] = [];
  const rest: Uint8Array[] = [];
  const reused = Buffer.alloc(Math.max(1, ...chunks.map((chunk) => chunk.length)));
  for (const chunk of chunks) {
    if (out.length === wanted) {
      rest.push(chunk);
      continue;
    }
    reused.set(chunk);
    const view = reused.subarray(0, chunk.length);
    const end = decoder.decode(view, 0, out, wanted - out.length);
    if (end < chunk.length) rest.push(chunk.subarray(end));
    reused.fill(0x2e);
  }
  return { replies: out.map(plain), rest: Buffer.concat(rest).toString("latin1") };
}

/**
 * The old path, as the transport did it before the bulk reader: LineReader for the status
 * line (4 KiB, CRLF only), parseStatusLine, then DotTerminatedDecoder for the body. The
 * reference the new decoder must agree with.
 */
function decodeOld(chunks: readonly Uint8Array[], wanted: number) {
  const reader = new LineReader({ maxLineLength: Pop3Limits.maxLineLength });
  const dot = new DotTerminatedDecoder();
  const replies: Plain[] = [];
  let body: Uint8Array[] | undefined;
  const step = (): boolean => {
    if (replies.length === wanted) return false;
    if (!body) {
      const line = reader.readLine();
      if (!line) return false;
      const status = parseStatusLine(line);
      if (status.ok) {
        body = [];
        dot.reset();
      } else replies.push({ ok: false, text: status.text, code: status.responseCode });
      return true;
    }
    const raw = reader.takeRaw();
    if (!raw) return false;
    const result = dot.decode(raw);
    if (result.rest) reader.unshift(result.rest);
    body.push(...result.body);
    if (result.done) {
      replies.push({ ok: true, body: Buffer.concat(body).toString("latin1") });
      body = undefined;
    }
    return true;
  };
  for (const chunk of chunks) {
    if (replies.length === wanted) reader.push(chunk);
    else {
      reader.push(chunk);
      while (step());
    }
  }
  const rest: Uint8Array[] = [];
  for (let piece = reader.takeRaw(); piece; piece = reader.takeRaw()) rest.push(piece);
  return { replies, rest: Buffer.concat(rest).toString("latin1") };
}

/**
 * Either both paths give the same replies and leftovers, or both throw a typed error. Bytes of
 * an unfinished reply are not leftovers: the new decoder holds them, the old reader buffers them.
 */
function outcome(run: () => { replies: Plain[]; rest: string }, wanted: number) {
  try {
    const { replies, rest } = run();
    return { replies, rest: replies.length === wanted ? rest : undefined };
  } catch (error) {
    expect(isMailwireError(error), String(error)).toBe(true);
    return { error: (error as { code: string }).code };
  }
}

/** Message text with the line starts that matter: dots, dot lines, bare CR and LF, empty lines. */
const messageLine = fc.oneof(
  fc.constantFrom("", ".", "..", ". ", ".\r", "\r", "a\rb", "x\n.", "\n.\r\n", ".\n", "From: a"),
  fc.string({ unit: fc.constantFrom("a", ".", " ", "\r", "\n", "Z"), maxLength: 12 }),
);
const message = fc
  .array(messageLine, { maxLength: 12 })
  .map((lines) => lines.map((line) => `${line}\r\n`).join(""));

const reply = fc.oneof(
  { weight: 4, arbitrary: message.map((body) => ({ ok: true as const, body })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("no such message", "[SYS/PERM] gone", "[IN-USE] busy", "")
      .map((text) => ({ ok: false as const, text })),
  },
);

function wire(replies: readonly ({ ok: true; body: string } | { ok: false; text: string })[]): Buffer {
  return Buffer.concat(
    replies.map((item) =>
      item.ok
        ? Buffer.concat([
            Buffer.from(`+OK ${item.body.length} octets\r\n`),
            dotStuff(Buffer.from(item.body, "latin1")),
          ])
        : Buffer.from(item.text ? `-ERR ${item.text}\r\n` : "-ERR\r\n"),
    ),
  );
}

const cuts = fc.array(fc.nat(), { maxLength: 20 });

describe("RetrReplyDecoder (fast-check)", () => {
  it("any chunking of a stream of replies gives the messages that were sent, byte for byte", () => {
    fc.assert(
      fc.property(fc.array(reply, { minLength: 1, maxLength: 8 }), cuts, (replies, points) => {
        const bytes = wire(replies);
        const { replies: decoded, rest } = decodeNew(split(bytes, points), replies.length);
        expect(rest).toBe("");
        expect(decoded).toEqual(
          replies.map((item) =>
            item.ok
              ? { ok: true, body: item.body }
              : {
                  ok: false,
                  text: item.text.replace(/^\[[^\]]*\] ?/, ""),
                  code: /^\[([^\]]*)\]/.exec(item.text)?.[1],
                },
          ),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it("agrees with the old path (LineReader + DotTerminatedDecoder) on any chunking, leftovers included", () => {
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 7 }),
        fc.string({ unit: fc.constantFrom("+OK\r\n", "x", "\r\n", ".\r\n"), maxLength: 4 }),
        cuts,
        (replies, wantedSeed, trailer, points) => {
          const wanted = 1 + (wantedSeed % replies.length);
          const bytes = Buffer.concat([wire(replies), Buffer.from(trailer, "latin1")]);
          const chunks = split(bytes, points);
          expect(outcome(() => decodeNew(chunks, wanted), wanted)).toEqual(
            outcome(() => decodeOld(chunks, wanted), wanted),
          );
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("garbage: the same outcome as the old path, only typed errors, and it always returns", () => {
    const token = fc.constantFrom(
      "+OK",
      "+ok",
      "-ERR",
      "+OKAY",
      "* 1",
      ".",
      "..",
      "\r",
      "\n",
      "\r\n",
      " ",
      "a",
      "[SYS]",
    );
    const garbage = fc.oneof(
      fc.array(token, { maxLength: 40 }).map((tokens) => Buffer.from(tokens.join(""), "latin1")),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(garbage, fc.integer({ min: 1, max: 5 }), cuts, (bytes, wanted, points) => {
        const chunks = split(bytes, points);
        expect(outcome(() => decodeNew(chunks, wanted), wanted)).toEqual(
          outcome(() => decodeOld(chunks, wanted), wanted),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it("splits the terminator at every offset, also right after the status line", () => {
    const body = "Subject: t\r\n\r\n..dot\r\n.\r\nx\r\n";
    const bytes = wire([
      { ok: true, body },
      { ok: true, body: "" },
      { ok: false, text: "no" },
      { ok: true, body: ".\r\n" },
    ]);
    for (let first = 0; first <= bytes.length; first++) {
      for (let second = first; second <= bytes.length; second += 3) {
        const { replies } = decodeNew(split(bytes, [first, second]), 4);
        expect(replies).toEqual([
          { ok: true, body },
          { ok: true, body: "" },
          { ok: false, text: "no", code: undefined },
          { ok: true, body: ".\r\n" },
        ]);
      }
    }
  });

  it("bounds memory: an over-long status line or body is LimitExceededError, a bare LF ParseError", () => {
    const longLine = Buffer.from(`+OK ${"x".repeat(Pop3Limits.maxLineLength)}`);
    expect(() => decodeNew(split(longLine, [100, 2000]), 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED }),
    );
    const big = wire([{ ok: true, body: `${"y".repeat(998)}\r\n` }]);
    expect(() => decodeNew([big], 1, 999)).toThrow(
      expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED }),
    );
    expect(decodeNew([big], 1, 1000).replies).toHaveLength(1);
    expect(() => decodeNew([Buffer.from("+OK\n")], 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
    expect(() => decodeNew([Buffer.from("* OK\r\n")], 1)).toThrow(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
  });

  it("sizes a body from `+OK n octets` (bounded), trims a wrong count, and owns its memory", () => {
    const body = `${"z".repeat(4000)}\r\n`;
    const chunk = wire([{ ok: true, body }]);
    const out: Pop3DecodedReply[] = [];
    new RetrReplyDecoder().decode(chunk, 0, out, 1);
    const exact = out[0] as { ok: true; body: Buffer };
    chunk.fill(0x2e); // the socket's read buffer, reused
    expect(exact.body.toString("latin1")).toBe(body);
    expect(exact.body.buffer.byteLength).toBeLessThanOrEqual(Math.max(body.length, 8192));
    // A server that announces far more than it sends: the body is trimmed to what arrived.
    const lying = Buffer.concat([
      Buffer.from("+OK 900000000000 octets\r\n"),
      dotStuff(Buffer.from("hi\r\n")),
    ]);
    const trimmed: Pop3DecodedReply[] = [];
    new RetrReplyDecoder().decode(lying, 0, trimmed, 1);
    expect((trimmed[0] as { ok: true; body: Buffer }).body.toString()).toBe("hi\r\n");
    // No count (TOP, or a terse server): the body grows as it arrives.
    const big = `${"q".repeat(70_000)}\r\n`;
    const unsized = Buffer.concat([Buffer.from("+OK\r\n"), dotStuff(Buffer.from(big))]);
    const grown: Pop3DecodedReply[] = [];
    const decoder = new RetrReplyDecoder();
    for (const piece of split(unsized, [1000, 20_000, 50_000])) decoder.decode(piece, 0, grown, 1);
    expect((grown[0] as { ok: true; body: Buffer }).body.toString()).toBe(big);
  });
});
