import { ByteReader, fromHex, MailwireError, toHex } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compressLz77,
  decodeRpcHeaderExt,
  decodeRpcHeaderExtChain,
  decompressLz77,
  encodeRpcHeaderExtChain,
  RpcHeaderExtFlag,
  xorMagic,
} from "../src/index.js";
import { readVectorJson } from "./vectors.js";

interface OutlookVector {
  rgbIn_hex: string;
  compressed_payload_hex: string;
  RPC_HEADER_EXT: { Size: number; SizeActual: number };
  expected_after_decompression: { length_bytes: number };
}
interface XcaVectors {
  examples: [
    { uncompressed_ascii: string; compressed: string },
    { uncompressed_ascii_repeat: { unit: string; count: number }; compressed: string },
  ];
}

const outlookFiles = [
  "oxcrpc-compression/openchange-outlook2007-001-modifyrecipients.json",
  "oxcrpc-compression/openchange-outlook2007-002-tables-operations.json",
];
const xca = readVectorJson<XcaVectors>("oxcrpc-compression/ms-xca-3.1-plain-lz77-examples.json");
const [alphabet, repeated] = xca.examples;
const alphabetText = new TextEncoder().encode(alphabet.uncompressed_ascii);
const repeatedText = new TextEncoder().encode(
  repeated.uncompressed_ascii_repeat.unit.repeat(repeated.uncompressed_ascii_repeat.count),
);

describe("MS-XCA 3.1 plain LZ77 examples", () => {
  it("decodes the alphabet example", () => {
    expect(decompressLz77(fromHex(alphabet.compressed))).toEqual(alphabetText);
  });
  it("decodes abc x 100 (overlapping match, DIRECT2 length with 16-bit escape)", () => {
    expect(decompressLz77(fromHex(repeated.compressed))).toEqual(repeatedText);
  });
  it("our compressor produces the spec's bytes for both examples", () => {
    expect(toHex(compressLz77(alphabetText))).toBe(alphabet.compressed);
    expect(toHex(compressLz77(repeatedText))).toBe(repeated.compressed);
  });
});

describe("real Outlook 2007 EcDoRpcExt2 payloads (OpenChange captures)", () => {
  for (const file of outlookFiles) {
    it(`decompresses ${file.split("/")[1]} to exactly SizeActual`, () => {
      const vector = readVectorJson<OutlookVector>(file);
      const rgbIn = fromHex(vector.rgbIn_hex);
      const header = decodeRpcHeaderExt(new ByteReader(rgbIn));
      expect(header.flags).toBe(RpcHeaderExtFlag.Compressed | RpcHeaderExtFlag.Last);
      expect(header.size).toBe(vector.RPC_HEADER_EXT.Size);
      expect(header.sizeActual).toBe(vector.RPC_HEADER_EXT.SizeActual);

      const { payloads, consumed } = decodeRpcHeaderExtChain(rgbIn);
      expect(consumed).toBe(rgbIn.length);
      const rops = payloads[0] as Uint8Array;
      expect(rops.length).toBe(vector.expected_after_decompression.length_bytes);
      expect(decompressLz77(fromHex(vector.compressed_payload_hex))).toEqual(rops);

      // MS-OXCRPC 3.1.4.2.1.1.1: RopSize counts itself and the ROPs; the server object
      // handle table (4 bytes per handle) fills the rest.
      const ropSize = (rops[0] as number) | ((rops[1] as number) << 8);
      expect(ropSize).toBeGreaterThanOrEqual(2);
      expect(ropSize).toBeLessThanOrEqual(rops.length);
      expect((rops.length - ropSize) % 4).toBe(0);

      // And our compressor's version of the same buffer round-trips.
      expect(decompressLz77(compressLz77(rops))).toEqual(rops);
    });
  }
});

describe("compressLz77 / decompressLz77 round trips", () => {
  const roundTrip = (data: Uint8Array): void => {
    const packed = compressLz77(data);
    // Buffer.equals: vitest's deep equality is slow on large typed arrays.
    expect(Buffer.from(decompressLz77(packed)).equals(data)).toBe(true);
    expect(Buffer.from(decompressLz77(packed, { expectedSize: data.length })).equals(data)).toBe(true);
  };
  it("empty, one byte, long runs, 32-bit lengths", () => {
    roundTrip(new Uint8Array(0));
    roundTrip(new Uint8Array([7]));
    roundTrip(new Uint8Array(70_000).fill(3));
    const zeros = new Uint8Array(100_000);
    const packed = compressLz77(zeros);
    expect(packed.length).toBeLessThan(40);
    expect(Buffer.from(decompressLz77(packed)).equals(zeros)).toBe(true);
  });
  it("random data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => roundTrip(data)),
      { numRuns: 60 },
    );
  });
  it("repetitive data", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 7 }), { maxLength: 400 }),
        (units, picks) => {
          const parts = picks.map((p) => units[p % units.length] as Uint8Array);
          const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            data.set(p, at);
            at += p.length;
          }
          roundTrip(data);
        },
      ),
      { numRuns: 60 },
    );
  });
  it("matches beyond the 8 KiB window are not used", () => {
    const unit = Uint8Array.from({ length: 9000 }, (_, i) => (i * 7919) % 251);
    const data = new Uint8Array(18_000);
    data.set(unit, 0);
    data.set(unit, 9000);
    roundTrip(data);
  });
});

describe("hostile LZ77 input", () => {
  it("rejects a match before the start of output", () => {
    expect(() => decompressLz77(fromHex("ffffffff0800"))).toThrow(/before the start/);
  });
  it("caps output by expectedSize and by the ceiling", () => {
    const bomb = compressLz77(new Uint8Array(1_000_000));
    expect(() => decompressLz77(bomb, { maxOutputSize: 4096 })).toThrow(MailwireError);
    expect(() => decompressLz77(bomb, { expectedSize: 999_999 })).toThrow(MailwireError);
    expect(() => decompressLz77(repeatedText, { expectedSize: 1 << 30 })).toThrow(/limit/);
  });
  it("random and truncated bytes raise only MailwireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decompressLz77(bytes, { maxOutputSize: 1 << 16 });
        } catch (error) {
          expect(error).toBeInstanceOf(MailwireError);
        }
      }),
      { numRuns: 300 },
    );
    const good = compressLz77(repeatedText);
    for (let cut = 0; cut < good.length; cut++) {
      try {
        decompressLz77(good.subarray(0, cut), { expectedSize: repeatedText.length });
      } catch (error) {
        expect(error).toBeInstanceOf(MailwireError);
      }
    }
  });
});

describe("RPC_HEADER_EXT chains", () => {
  it("XOR 0xA5 is its own inverse", () => {
    const data = Uint8Array.from([0, 1, 0xa5, 0xff]);
    expect(toHex(xorMagic(data))).toBe("a5a4005a");
    expect(xorMagic(xorMagic(data))).toEqual(data);
  });
  it("round-trips every flag combination and sets Last only on the final segment", () => {
    const payloads = [repeatedText, alphabetText, new Uint8Array(0)];
    for (const compress of [false, true]) {
      for (const obfuscate of [false, true]) {
        const wire = encodeRpcHeaderExtChain(payloads, { compress, obfuscate });
        const decoded = decodeRpcHeaderExtChain(wire);
        expect(decoded.payloads).toEqual(payloads);
        expect(decoded.headers.map((h) => h.flags & RpcHeaderExtFlag.Last)).toEqual([0, 0, 4]);
        // Alphabet does not shrink under LZ77, so it stays uncompressed (Size must be < SizeActual).
        expect((decoded.headers[1]?.flags ?? 0) & RpcHeaderExtFlag.Compressed).toBe(0);
        expect((decoded.headers[0]?.flags ?? 0) & RpcHeaderExtFlag.Compressed).toBe(compress ? 1 : 0);
      }
    }
  });
  it("checks Version, Size/SizeActual and Last", () => {
    expect(() => decodeRpcHeaderExtChain(fromHex("0100040000000000"))).toThrow(/Version/);
    expect(() => decodeRpcHeaderExtChain(fromHex("0000040001000200aa"))).toThrow(/SizeActual/);
    expect(() => decodeRpcHeaderExtChain(fromHex("0000050002000200aaaa"))).toThrow(/not below/);
    expect(() => decodeRpcHeaderExtChain(fromHex("0000000001000100aa"))).toThrow(/Last/);
    expect(() => decodeRpcHeaderExtChain(fromHex("000004000400"))).toThrow(MailwireError);
  });
  it("caps the chain total", () => {
    const wire = encodeRpcHeaderExtChain([new Uint8Array(5000), new Uint8Array(5000)], { compress: true });
    expect(() => decodeRpcHeaderExtChain(wire, { maxTotalSize: 8000 })).toThrow(/expands beyond/);
  });
  it("random and mutated chains raise only MailwireError", () => {
    const good = encodeRpcHeaderExtChain([repeatedText, alphabetText], { compress: true, obfuscate: true });
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), value: fc.nat({ max: 255 }) }), {
          maxLength: 6,
        }),
        fc.nat({ max: good.length }),
        (mutations, cut) => {
          const bytes = good.slice(0, cut);
          for (const m of mutations) if (m.at < bytes.length) bytes[m.at] = m.value;
          try {
            decodeRpcHeaderExtChain(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(MailwireError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
