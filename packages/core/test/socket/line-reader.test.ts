import { describe, expect, it } from "vitest";
import { ErrorCode, type MailwireError } from "../../src/index.js";
import { LineReader } from "../../src/socket/codec/line-reader.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (text: string) => enc.encode(text);

/** Pushes each chunk and drains every complete line after it, as the connection does. */
function readAll(reader: LineReader, chunks: readonly Uint8Array[]): string[] {
  const lines: string[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let line = reader.readLine(); line; line = reader.readLine()) lines.push(dec.decode(line));
  }
  return lines;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as MailwireError).code;
  }
  return undefined;
}

describe("LineReader", () => {
  it("frames CRLF lines and keeps a partial line between chunks", () => {
    const reader = new LineReader();
    expect(readAll(reader, [bytes("+OK ready\r\n+OK 2 mess"), bytes("ages\r\n")])).toEqual([
      "+OK ready",
      "+OK 2 messages",
    ]);
    expect(reader.bufferedLength).toBe(0);
  });

  it("returns empty lines", () => {
    expect(readAll(new LineReader(), [bytes("\r\n\r\nx\r\n")])).toEqual(["", "", "x"]);
  });

  it("gives identical lines for an input split at every offset (one and two cuts)", () => {
    const input = bytes("* OK IMAP4rev2 ready\r\n\r\nA1 OK done\r\n* 3 EXISTS\r\nCR\rinside\r\ntail");
    const expected = readAll(new LineReader(), [input]);
    expect(expected).toEqual(["* OK IMAP4rev2 ready", "", "A1 OK done", "* 3 EXISTS", "CR\rinside"]);
    for (let cut = 0; cut <= input.length; cut++) {
      expect(readAll(new LineReader(), [input.subarray(0, cut), input.subarray(cut)])).toEqual(expected);
      for (let second = cut; second <= input.length; second++) {
        const parts = [input.subarray(0, cut), input.subarray(cut, second), input.subarray(second)];
        expect(readAll(new LineReader(), parts)).toEqual(expected);
      }
    }
  });

  it("returns a view of the chunk for a line inside one chunk (no copy)", () => {
    const reader = new LineReader();
    const chunk = bytes("abc\r\n");
    reader.push(chunk);
    const line = reader.readLine();
    expect(line?.buffer).toBe(chunk.buffer);
  });

  it("rejects a bare LF by default and accepts it with allowBareLf", () => {
    const strict = new LineReader();
    strict.push(bytes("+OK\n"));
    expect(codeOf(() => strict.readLine())).toBe(ErrorCode.PARSE);
    expect(readAll(new LineReader({ allowBareLf: true }), [bytes("a\nb\r\nc\n")])).toEqual(["a", "b", "c"]);
  });

  describe("maximum line length (CRLF included)", () => {
    it("accepts a line of exactly the maximum and rejects one byte more", () => {
      expect(readAll(new LineReader({ maxLineLength: 8 }), [bytes("123456\r\n")])).toEqual(["123456"]);
      expect(codeOf(() => readAll(new LineReader({ maxLineLength: 8 }), [bytes("1234567\r\n")]))).toBe(
        ErrorCode.LIMIT_EXCEEDED,
      );
    });

    it("throws before the buffer grows past the maximum when a line trickles in", () => {
      const reader = new LineReader({ maxLineLength: 16 });
      expect(reader.readLine()).toBeUndefined();
      for (let i = 0; i < 15; i++) reader.push(bytes("x"));
      expect(reader.bufferedLength).toBe(15);
      // A 16th byte without LF can never make a legal line: refused before it is buffered.
      expect(codeOf(() => reader.push(bytes("x")))).toBe(ErrorCode.LIMIT_EXCEEDED);
      expect(reader.bufferedLength).toBe(0);
      // And the reader stays failed.
      expect(codeOf(() => reader.push(bytes("\r\n")))).toBe(ErrorCode.LIMIT_EXCEEDED);
    });

    it("refuses a huge chunk without ever buffering it", () => {
      const reader = new LineReader({ maxLineLength: 1024 });
      expect(reader.readLine()).toBeUndefined();
      expect(codeOf(() => reader.push(new Uint8Array(10 * 1024 * 1024).fill(0x41)))).toBe(
        ErrorCode.LIMIT_EXCEEDED,
      );
      expect(reader.bufferedLength).toBe(0);
    });

    it("also catches an over-long line pushed while no line was awaited", () => {
      const reader = new LineReader({ maxLineLength: 8 });
      reader.push(bytes("0123456789"));
      expect(codeOf(() => reader.readLine())).toBe(ErrorCode.LIMIT_EXCEEDED);
    });
  });

  describe("byte-counted mode (IMAP literals)", () => {
    it("hands out exactly n bytes, then resumes line framing", () => {
      const reader = new LineReader();
      const input = bytes("* 1 FETCH (BODY[] {11}\r\nhello\r\nworld)\r\nA1 OK\r\n");
      for (let cut = 0; cut <= input.length; cut++) {
        const r = new LineReader();
        const out: string[] = [];
        const literal: string[] = [];
        for (const chunk of [input.subarray(0, cut), input.subarray(cut)]) {
          r.push(chunk);
          for (;;) {
            if (r.countedRemaining > 0) {
              const piece = r.takeCounted();
              if (!piece) break;
              literal.push(dec.decode(piece));
              continue;
            }
            const line = r.readLine();
            if (!line) break;
            const text = dec.decode(line);
            out.push(text);
            const match = /\{(\d+)\}$/.exec(text);
            if (match) r.beginCounted(Number(match[1]));
          }
        }
        expect(literal.join("")).toBe("hello\r\nworl");
        expect(out).toEqual(["* 1 FETCH (BODY[] {11}", "d)", "A1 OK"]);
      }
      expect(reader.countedRemaining).toBe(0);
    });

    it("readBytes returns a contiguous copy only when the bytes span chunks", () => {
      const reader = new LineReader();
      reader.push(bytes("abc"));
      expect(reader.readBytes(5)).toBeUndefined();
      reader.push(bytes("de\r\n"));
      expect(dec.decode(reader.readBytes(5))).toBe("abcde");
      expect(dec.decode(reader.readLine())).toBe("");
    });

    it("refuses a line read while counted bytes are owed", () => {
      const reader = new LineReader();
      reader.beginCounted(3);
      expect(codeOf(() => reader.readLine())).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(codeOf(() => reader.beginCounted(-1))).toBe(ErrorCode.INVALID_ARGUMENT);
    });
  });

  it("takeRaw and unshift hand the stream to a body decoder and back", () => {
    const reader = new LineReader();
    reader.push(bytes("+OK\r\nbody"));
    expect(dec.decode(reader.readLine())).toBe("+OK");
    expect(dec.decode(reader.takeRaw())).toBe("body");
    reader.unshift(bytes("next\r\n"));
    expect(dec.decode(reader.readLine())).toBe("next");
    expect(reader.takeRaw()).toBeUndefined();
  });

  it("scans a line arriving one byte at a time in linear time", () => {
    const reader = new LineReader({ maxLineLength: 200_002 });
    const started = performance.now();
    expect(reader.readLine()).toBeUndefined();
    const one = bytes("a");
    for (let i = 0; i < 200_000; i++) {
      reader.push(one);
      if (i % 1000 === 0) expect(reader.readLine()).toBeUndefined();
    }
    reader.push(bytes("\r\n"));
    expect(reader.readLine()?.length).toBe(200_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
