import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ByteReader,
  ByteWriter,
  concatBytes,
  ErrorCode,
  equalBytes,
  fromHex,
  fromUtf16le,
  InvalidArgumentError,
  type MailwireError,
  ParseError,
  toHex,
  utf16le,
} from "../src/index.js";

describe("ByteWriter / ByteReader", () => {
  it("round-trips every integer width in little and big endian", () => {
    const bytes = new ByteWriter(16)
      .u8(0xab)
      .u16(0x1234)
      .u32(0xdeadbeef)
      .i32(-2)
      .u64(0x0102030405060708n)
      .u16be(0x1234)
      .u32be(0xcafebabe)
      .bytes(fromHex("00ff"))
      .zeros(3)
      .finish();
    expect(toHex(bytes)).toBe("ab3412efbeaddefeffffff08070605040302011234cafebabe00ff000000");
    const r = new ByteReader(bytes);
    expect(r.u8()).toBe(0xab);
    expect(r.u16()).toBe(0x1234);
    expect(r.u32()).toBe(0xdeadbeef);
    expect(r.i32()).toBe(-2);
    expect(r.u64()).toBe(0x0102030405060708n);
    expect(r.u16be()).toBe(0x1234);
    expect(r.u32be()).toBe(0xcafebabe);
    expect(toHex(r.bytesCopy(2))).toBe("00ff");
    r.skip(3);
    expect(r.remaining).toBe(0);
  });

  it("round-trips signed and floating-point values", () => {
    const bytes = new ByteWriter().i16(-2).i64(-3n).f32(1.5).f64(-0.1).finish();
    expect(toHex(bytes.subarray(0, 2))).toBe("feff");
    const r = new ByteReader(bytes);
    expect(r.i16()).toBe(-2);
    expect(r.i64()).toBe(-3n);
    expect(r.f32()).toBe(1.5);
    expect(r.f64()).toBe(-0.1);
    expect(() => r.f64()).toThrow(ParseError);
  });

  it("patches length fields written earlier", () => {
    const w = new ByteWriter();
    w.u16(0).u32(0).bytes(new Uint8Array(5));
    w.patchU16(0, 5).patchU32(2, 0x01020304);
    expect(toHex(w.finish())).toBe("0500040302010000000000");
  });

  it("throws ParseError, never RangeError, on a truncated read", () => {
    const r = new ByteReader(fromHex("0102"));
    expect(() => r.u32()).toThrow(ParseError);
    try {
      r.bytesView(3);
    } catch (error) {
      expect((error as MailwireError).code).toBe(ErrorCode.PARSE);
    }
    expect(() => r.sliceAt(1, 5)).toThrow(ParseError);
    expect(() => r.seek(3)).toThrow(ParseError);
    expect(() => r.need(-1)).toThrow(ParseError);
  });

  it("reads only inside its window", () => {
    const r = new ByteReader(fromHex("00112233"), 1, 3);
    expect(r.u16()).toBe(0x2211);
    expect(() => r.u8()).toThrow(ParseError);
  });

  it("never throws anything but ParseError on arbitrary reads", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 40 }),
        (input, ops) => {
          const r = new ByteReader(input);
          try {
            for (const op of ops) {
              [() => r.u8(), () => r.u16(), () => r.u32(), () => r.u64(), () => r.bytesView(op * 3)][
                op % 5
              ]!();
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
    );
  });
});

describe("encoding helpers", () => {
  it("encodes UTF-16LE including surrogate pairs", () => {
    expect(toHex(utf16le("Aé😀"))).toBe("4100e9003dd800de");
    expect(fromUtf16le(utf16le("Domaine ç"))).toBe("Domaine ç");
  });

  it("rejects malformed hex", () => {
    expect(() => fromHex("abc")).toThrow(InvalidArgumentError);
    expect(() => fromHex("zz")).toThrow(InvalidArgumentError);
  });

  it("concatenates and compares", () => {
    const joined = concatBytes(fromHex("01"), fromHex("0203"), new Uint8Array());
    expect(toHex(joined)).toBe("010203");
    expect(equalBytes(joined, fromHex("010203"))).toBe(true);
    expect(equalBytes(joined, fromHex("010204"))).toBe(false);
    expect(equalBytes(joined, fromHex("0102"))).toBe(false);
  });
});
