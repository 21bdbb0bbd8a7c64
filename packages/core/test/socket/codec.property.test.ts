import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MailwireError } from "../../src/index.js";
import { DotTerminatedDecoder } from "../../src/socket/codec/dot-decoder.js";
import { LineReader } from "../../src/socket/codec/line-reader.js";

/** Cuts `input` at the given (unsorted, possibly repeated) positions. */
function cutAt(input: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(input.subarray(start, point));
    start = point;
  }
  chunks.push(input.subarray(start));
  return chunks;
}

/** Bytes rich in the framing characters, so that the interesting paths are hit often. */
const framingBytes = fc.uint8Array({ maxLength: 400 }).map((raw) => {
  const alphabet = [0x0d, 0x0a, 0x2e, 0x41, 0x7b, 0x7d, 0x31, 0x00, 0xff];
  return raw.map((b) => (b < 180 ? (alphabet[b % alphabet.length] as number) : b));
});

describe("LineReader properties", () => {
  it("over arbitrary chunked bytes: only MailwireErrors, bounded buffer, terminates", () => {
    fc.assert(
      fc.property(
        fc.array(framingBytes, { maxLength: 12 }),
        fc.integer({ min: 3, max: 64 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 50 }), { maxLength: 4 }),
        (chunks, maxLineLength, allowBareLf, literalSizes) => {
          const reader = new LineReader({ maxLineLength, allowBareLf });
          const sizes = [...literalSizes];
          try {
            for (const chunk of chunks) {
              reader.push(chunk);
              expect(reader.bufferedLength).toBeLessThanOrEqual(maxLineLength + chunk.length);
              let steps = 0;
              for (;;) {
                // Each step consumes input or stops, so this loop must end within the buffered length.
                expect(steps++).toBeLessThanOrEqual(2 * (maxLineLength + chunk.length) + 2);
                if (reader.countedRemaining > 0) {
                  if (!reader.takeCounted()) break;
                  continue;
                }
                const line = reader.readLine();
                if (!line) break;
                expect(line.length).toBeLessThanOrEqual(maxLineLength - 1);
                const size = sizes.shift();
                if (size !== undefined) reader.beginCounted(size);
              }
              // Between chunks only an incomplete line (or nothing) is held.
              if (reader.countedRemaining === 0) expect(reader.bufferedLength).toBeLessThan(maxLineLength);
            }
          } catch (error) {
            if (!(error instanceof MailwireError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("recovers exactly the lines that were framed, however the bytes are chunked", () => {
    const line = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ""));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const input = new TextEncoder().encode(lines.map((l) => `${l}\r\n`).join(""));
        const reader = new LineReader({ maxLineLength: 1024 });
        const out: string[] = [];
        for (const chunk of cutAt(input, cuts)) {
          reader.push(chunk);
          for (let l = reader.readLine(); l; l = reader.readLine()) out.push(new TextDecoder().decode(l));
        }
        expect(out).toEqual(lines);
        expect(reader.bufferedLength).toBe(0);
      }),
    );
  });
});

/** The sender's side of RFC 1939 §3: stuff a dot before each line starting with one, end with `.`. */
function dotStuff(body: string): string {
  const lines = body.split("\r\n");
  if (lines.at(-1) === "") lines.pop();
  return `${lines.map((l) => (l.startsWith(".") ? `.${l}\r\n` : `${l}\r\n`)).join("")}.\r\n`;
}

describe("DotTerminatedDecoder properties", () => {
  it("decoding undoes stuffing for any body and any chunking, leaving what follows untouched", () => {
    const bodyLine = fc.string({ unit: fc.constantFrom(".", "a", "\r", " ", "\n"), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(bodyLine, { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, cuts) => {
          // Bare CR/LF inside a line are content; the wire format only breaks lines at CRLF.
          const clean = lines.map((l) => l.replace(/\r(?=\n)|\r$/g, "r"));
          const body = clean.map((l) => `${l}\r\n`).join("");
          const wire = new TextEncoder().encode(`${dotStuff(body)}+OK after\r\n`);
          const decoder = new DotTerminatedDecoder();
          const out: Uint8Array[] = [];
          const rest: Uint8Array[] = [];
          for (const chunk of cutAt(wire, cuts)) {
            if (decoder.done) {
              rest.push(chunk);
              continue;
            }
            const result = decoder.decode(chunk);
            out.push(...result.body);
            if (result.rest) rest.push(result.rest);
          }
          expect(decoder.done).toBe(true);
          expect(Buffer.concat(out).toString()).toBe(body);
          expect(Buffer.concat(rest).toString()).toBe("+OK after\r\n");
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("over arbitrary bytes never throws and never outputs more than it was given", () => {
    fc.assert(
      fc.property(fc.array(framingBytes, { maxLength: 10 }), fc.boolean(), (chunks, allowBareLf) => {
        const decoder = new DotTerminatedDecoder({ allowBareLf });
        let input = 0;
        let output = 0;
        for (const chunk of chunks) {
          if (decoder.done) break;
          input += chunk.length;
          const result = decoder.decode(chunk);
          for (const piece of result.body) output += piece.length;
          output += result.rest?.length ?? 0;
        }
        expect(output).toBeLessThanOrEqual(input);
      }),
      { numRuns: 2000 },
    );
  });
});
