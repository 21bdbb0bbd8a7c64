import { describe, expect, it } from "vitest";
import { DotTerminatedDecoder } from "../../src/socket/codec/dot-decoder.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Decoded {
  body: string;
  done: boolean;
  rest: string;
}

function decodeChunks(chunks: readonly Uint8Array[], allowBareLf = false): Decoded {
  const decoder = new DotTerminatedDecoder({ allowBareLf });
  let body = "";
  let rest = "";
  for (const chunk of chunks) {
    if (decoder.done) {
      rest += dec.decode(chunk);
      continue;
    }
    const result = decoder.decode(chunk);
    for (const piece of result.body) body += dec.decode(piece);
    if (result.rest) rest += dec.decode(result.rest);
  }
  return { body, done: decoder.done, rest };
}

function splitEverywhere(text: string, allowBareLf = false): Decoded {
  const input = enc.encode(text);
  const whole = decodeChunks([input], allowBareLf);
  for (let cut = 0; cut <= input.length; cut++) {
    for (let second = cut; second <= input.length; second++) {
      const parts = [input.subarray(0, cut), input.subarray(cut, second), input.subarray(second)];
      expect(decodeChunks(parts, allowBareLf)).toEqual(whole);
    }
  }
  return whole;
}

describe("DotTerminatedDecoder (RFC 1939 §3)", () => {
  it("undoes dot-stuffing and stops at the lone dot, whatever the chunking", () => {
    const result = splitEverywhere("Subject: x\r\n\r\n..leading dot\r\n...\r\n.\r\n+OK next\r\n");
    expect(result).toEqual({
      body: "Subject: x\r\n\r\n.leading dot\r\n..\r\n",
      done: true,
      rest: "+OK next\r\n",
    });
  });

  it("decodes an empty body", () => {
    expect(splitEverywhere(".\r\n")).toEqual({ body: "", done: true, rest: "" });
  });

  it("keeps a CR after a stuffed dot that does not end the body", () => {
    expect(splitEverywhere(".\rx\r\n.\r\n").body).toBe("\rx\r\n");
    expect(splitEverywhere(".\r\r\n.\r\n").body).toBe("\r\r\n");
  });

  it("does not end the body at a dot after a bare LF unless allowed (smuggling)", () => {
    const strict = splitEverywhere("a\n.\r\nstill body\r\n.\r\n");
    expect(strict).toEqual({ body: "a\n.\r\nstill body\r\n", done: true, rest: "" });
    const loose = splitEverywhere("a\n.\nrest", true);
    expect(loose).toEqual({ body: "a\n", done: true, rest: "rest" });
  });

  it("is not done until the terminator arrives", () => {
    expect(decodeChunks([enc.encode("line\r\n.")])).toEqual({ body: "line\r\n", done: false, rest: "" });
  });

  it("hands out views of the input chunk, not copies", () => {
    const chunk = enc.encode("hello\r\nworld\r\n.\r\n");
    const result = new DotTerminatedDecoder().decode(chunk);
    expect(result.body).toHaveLength(1);
    expect(result.body[0]?.buffer).toBe(chunk.buffer);
  });

  it("throws when fed after the end", () => {
    const decoder = new DotTerminatedDecoder();
    decoder.decode(enc.encode(".\r\n"));
    expect(() => decoder.decode(enc.encode("x"))).toThrow(/already ended/);
  });
});
