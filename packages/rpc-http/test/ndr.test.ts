import { LimitExceededError, ProtocolError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isNullContextHandle, NULL_CONTEXT_HANDLE } from "../src/ndr/context-handle.js";
import { NdrReader } from "../src/ndr/ndr-reader.js";
import { NdrWriter } from "../src/ndr/ndr-writer.js";

describe("NDR 2.0 writer (C706 14)", () => {
  it("aligns primitives to their size relative to the stub start", () => {
    const bytes = new NdrWriter().u8(1).u16(2).u8(3).u32(4).u8(5).u64(6n).finish();
    expect(toHex(bytes)).toBe("01000200" + "03000000" + "04000000" + "05000000" + "0600000000000000");
  });

  it("writes an 8-bit string as max_count, offset, actual_count with the NUL counted", () => {
    const bytes = new NdrWriter().asciiString("/o=x").finish();
    expect(toHex(bytes)).toBe("05000000" + "00000000" + "05000000" + "2f6f3d7800");
  });

  it("writes a wide string in 16-bit units", () => {
    const bytes = new NdrWriter().utf16String("Ab").finish();
    expect(toHex(bytes)).toBe("03000000" + "00000000" + "03000000" + "410062000000");
  });

  it("writes unique pointers with increasing referent ids and full pointers once per target", () => {
    const writer = new NdrWriter();
    writer.pointer(true);
    writer.pointer(false);
    const target = {};
    expect(writer.fullPointer(target)).toBe(true);
    expect(writer.fullPointer(target)).toBe(false);
    expect(writer.fullPointer(undefined)).toBe(false);
    expect(toHex(writer.finish())).toBe("00000200" + "00000000" + "04000200" + "04000200" + "00000000");
  });

  it("conformant and conformant-varying byte arrays", () => {
    const bytes = new NdrWriter()
      .conformantBytes(Uint8Array.of(9, 8))
      .conformantVaryingBytes(Uint8Array.of(7), 4)
      .finish();
    expect(toHex(bytes)).toBe("02000000" + "0908" + "0000" + "04000000" + "00000000" + "01000000" + "07");
  });
});

describe("NDR 2.0 reader", () => {
  it("reads back what the writer wrote", () => {
    const handle = { attributes: 0, uuid: Uint8Array.from({ length: 16 }, (_, i) => i + 1) };
    const bytes = new NdrWriter()
      .u8(1)
      .u16(0xbeef)
      .u32(0xdeadbeef)
      .asciiString("Inbox")
      .utf16String("Grüße €")
      .contextHandle(handle)
      .conformantBytes(Uint8Array.of(1, 2, 3))
      .conformantVaryingBytes(Uint8Array.of(4, 5), 10)
      .u64(123n)
      .finish();
    const reader = new NdrReader(bytes);
    expect(reader.u8()).toBe(1);
    expect(reader.u16()).toBe(0xbeef);
    expect(reader.u32()).toBe(0xdeadbeef);
    expect(reader.asciiString()).toBe("Inbox");
    expect(reader.utf16String()).toBe("Grüße €");
    expect(reader.contextHandle()).toEqual(handle);
    expect([...reader.conformantBytes()]).toEqual([1, 2, 3]);
    expect([...reader.conformantVaryingBytes()]).toEqual([4, 5]);
    expect(reader.u64()).toBe(123n);
    expect(reader.remaining).toBe(0);
  });

  it("refuses counts beyond the stub or the limits, a bad variance, a missing NUL", () => {
    const huge = new NdrWriter().u32(0x7fffffff).finish();
    expect(() => new NdrReader(huge).conformantBytes()).toThrow(LimitExceededError);
    const past = new NdrWriter().u32(100).bytes(new Uint8Array(4)).finish();
    expect(() => new NdrReader(past).conformantBytes()).toThrow(ProtocolError);
    const bad = new NdrWriter().u32(2).u32(0).u32(3).bytes(new Uint8Array(3)).finish();
    expect(() => new NdrReader(bad).conformantVaryingBytes()).toThrow(ProtocolError);
    const noNul = new NdrWriter().conformantVaryingBytes(Uint8Array.of(65, 66)).finish();
    expect(() => new NdrReader(noNul).asciiString()).toThrow(ProtocolError);
  });

  it("null context handles", () => {
    expect(isNullContextHandle(NULL_CONTEXT_HANDLE)).toBe(true);
    expect(isNullContextHandle({ attributes: 0, uuid: Uint8Array.of(...new Uint8Array(15), 1) })).toBe(false);
  });

  it("property: arbitrary bytes never crash a reader, only typed errors", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 8 }),
        (bytes, ops) => {
          const reader = new NdrReader(bytes);
          try {
            for (const op of ops) {
              if (op === 0) reader.asciiString();
              else if (op === 1) reader.utf16String();
              else if (op === 2) reader.conformantBytes();
              else if (op === 3) reader.conformantVaryingBytes();
              else if (op === 4) reader.contextHandle();
              else if (op === 5) reader.u64();
              else reader.pointer();
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("property: strings round-trip", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")),
        (text) => {
          const reader = new NdrReader(new NdrWriter().u8(1).utf16String(text).finish());
          reader.u8();
          expect(reader.utf16String()).toBe(text);
        },
      ),
    );
  });
});
