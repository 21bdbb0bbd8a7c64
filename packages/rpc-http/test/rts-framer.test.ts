import { ErrorCode, MailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PduFramer } from "../src/rts/pdu-framer.js";
import { connA3, connC, flowControlAck, ping } from "../src/rts/rts-pdus.js";
import { bytesOf, fromHex, rtsByteVectors } from "./rts-vectors.js";

/** A DCE/RPC-looking PDU of `size` bytes (PTYPE 2, response) for framing tests. */
function dataPdu(size: number, fill = 0xab): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set([5, 0, 2, 3, 0x10, 0, 0, 0]);
  new DataView(bytes.buffer).setUint16(8, size, true);
  bytes[10] = 0;
  bytes[11] = 0;
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

describe("PduFramer", () => {
  const stream = [
    connA3({ connectionTimeout: 120_000 }),
    connC("CONN/C2", { receiveWindowSize: 65536, connectionTimeout: 120_000 }),
    dataPdu(300),
    ping(),
    flowControlAck({ bytesReceived: 10, availableWindow: 20, channelCookie: bytesOf(1) }),
    ...rtsByteVectors().map((vector) => fromHex(vector.hex)),
    dataPdu(16),
  ];
  const whole = concat(stream);

  it("splits the OUT channel stream at every offset into the same PDUs", () => {
    for (let cut = 0; cut <= whole.length; cut++) {
      const framer = new PduFramer();
      const out = [...framer.push(whole.subarray(0, cut)), ...framer.push(whole.subarray(cut))];
      expect(out).toEqual(stream);
      expect(framer.bufferedBytes).toBe(0);
    }
  });

  it("delivers the same PDUs byte by byte", () => {
    const framer = new PduFramer();
    const out: Uint8Array[] = [];
    for (let index = 0; index < whole.length; index++)
      out.push(...framer.push(whole.subarray(index, index + 1)));
    expect(out).toEqual(stream);
  });

  it("delivers the same PDUs for any chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: whole.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set([0, ...cuts, whole.length])].sort((a, b) => a - b);
        const framer = new PduFramer();
        const out: Uint8Array[] = [];
        for (let index = 1; index < points.length; index++) {
          out.push(...framer.push(whole.subarray(points[index - 1], points[index])));
        }
        expect(out).toEqual(stream);
      }),
    );
  });

  it("does not keep a view into a caller's buffer it may reuse", () => {
    const framer = new PduFramer();
    const pdu = dataPdu(40);
    const chunk = pdu.slice(0, 30);
    framer.push(chunk);
    chunk.fill(0);
    expect(framer.push(pdu.subarray(30))).toEqual([pdu]);
  });

  it("refuses an oversized frag_length before buffering it", () => {
    const framer = new PduFramer({ maxPduSize: 1024 });
    const header = dataPdu(16);
    new DataView(header.buffer).setUint16(8, 4096, true);
    expect(() => framer.push(header.subarray(0, 10))).toThrow(
      expect.objectContaining({ code: ErrorCode.LIMIT_EXCEEDED, name: "RpcHttpError" }),
    );
  });

  it("refuses a frag_length shorter than the common header, and a non-DCE/RPC stream", () => {
    const short = dataPdu(16);
    short[8] = 4;
    expect(() => new PduFramer().push(short)).toThrow(expect.objectContaining({ code: ErrorCode.PARSE }));
    expect(() => new PduFramer().push(new TextEncoder().encode("HTTP/1.1 401"))).toThrow(
      expect.objectContaining({ code: ErrorCode.PARSE }),
    );
  });

  it("answers random bytes with PDUs or a typed error, holding less than one PDU", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const framer = new PduFramer({ maxPduSize: 512 });
        try {
          for (const chunk of chunks) framer.push(chunk);
          expect(framer.bufferedBytes).toBeLessThan(512 + 64);
        } catch (error) {
          expect(error).toBeInstanceOf(MailwireError);
        }
      }),
    );
  });
});
