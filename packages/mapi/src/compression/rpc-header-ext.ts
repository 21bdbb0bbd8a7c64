import { ByteReader, ByteWriter, InvalidArgumentError, LimitExceededError, ParseError } from "@mailwire/core";
import { MapiLimits } from "../limits.js";
import { compressLz77 } from "./lz77-compress.js";
import { decompressLz77 } from "./lz77-decompress.js";
import { xorMagic } from "./obfuscation.js";

/** RPC_HEADER_EXT.Flags (MS-OXCRPC 2.2.2.1). */
export const RpcHeaderExtFlag = {
  /** The payload is LZ77-compressed (MS-OXCRPC 3.1.4.1.1.2). */
  Compressed: 0x0001,
  /** The payload is XORed with 0xA5 (MS-OXCRPC 3.1.4.1.1.3). */
  XorMagic: 0x0002,
  /** No further RPC_HEADER_EXT follows in this buffer. */
  Last: 0x0004,
} as const;

/** RPC_HEADER_EXT.Version: the only version defined (MS-OXCRPC 2.2.2.1). */
export const RPC_HEADER_EXT_VERSION = 0x0000;
export const RPC_HEADER_EXT_LENGTH = 8;

export interface RpcHeaderExt {
  readonly version: number;
  readonly flags: number;
  /** Bytes of payload on the wire, after compression and obfuscation. */
  readonly size: number;
  /** Bytes of payload once decompressed. */
  readonly sizeActual: number;
}

export function encodeRpcHeaderExt(header: RpcHeaderExt): Uint8Array {
  for (const [name, value] of Object.entries(header)) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new InvalidArgumentError(`RPC_HEADER_EXT.${name} must be a 16-bit unsigned integer`);
    }
  }
  return new ByteWriter(RPC_HEADER_EXT_LENGTH)
    .u16(header.version)
    .u16(header.flags)
    .u16(header.size)
    .u16(header.sizeActual)
    .finish()
    .slice();
}

/** Reads one header and checks the rules MS-OXCRPC 2.2.2.1 states about its fields. */
export function decodeRpcHeaderExt(reader: ByteReader): RpcHeaderExt {
  const start = reader.offset;
  const version = reader.u16();
  const flags = reader.u16();
  const size = reader.u16();
  const sizeActual = reader.u16();
  if (version !== RPC_HEADER_EXT_VERSION) {
    throw new ParseError(`RPC_HEADER_EXT: unknown Version 0x${version.toString(16)}`, { offset: start });
  }
  const compressed = (flags & RpcHeaderExtFlag.Compressed) !== 0;
  if (!compressed && size !== sizeActual) {
    throw new ParseError(
      `RPC_HEADER_EXT: uncompressed payload with Size ${size} != SizeActual ${sizeActual}`,
      {
        offset: start,
      },
    );
  }
  if (compressed && size >= sizeActual) {
    throw new ParseError(`RPC_HEADER_EXT: compressed Size ${size} is not below SizeActual ${sizeActual}`, {
      offset: start,
    });
  }
  return { version, flags, size, sizeActual };
}

export interface EncodeRpcHeaderExtOptions {
  /** LZ77-compress each payload; kept uncompressed when compression would not shrink it. */
  readonly compress?: boolean;
  /** XOR the (possibly compressed) payload with 0xA5. */
  readonly obfuscate?: boolean;
}

/**
 * One header plus payload. `last` sets the Last flag. Compression is skipped for a payload
 * it would not shrink, because a compressed header must have Size < SizeActual.
 */
export function encodeRpcHeaderExtSegment(
  payload: Uint8Array,
  options: EncodeRpcHeaderExtOptions & { readonly last: boolean },
): Uint8Array {
  if (payload.length > MapiLimits.maxRpcHeaderExtPayload) {
    throw new InvalidArgumentError(
      `An RPC_HEADER_EXT payload holds at most ${MapiLimits.maxRpcHeaderExtPayload} bytes, got ${payload.length}`,
    );
  }
  let flags = options.last ? RpcHeaderExtFlag.Last : 0;
  let body = payload;
  if (options.compress && payload.length > 0) {
    const packed = compressLz77(payload);
    if (packed.length < payload.length) {
      body = packed;
      flags |= RpcHeaderExtFlag.Compressed;
    }
  }
  if (options.obfuscate) {
    body = xorMagic(body);
    flags |= RpcHeaderExtFlag.XorMagic;
  }
  const writer = new ByteWriter(RPC_HEADER_EXT_LENGTH + body.length);
  writer.bytes(
    encodeRpcHeaderExt({
      version: RPC_HEADER_EXT_VERSION,
      flags,
      size: body.length,
      sizeActual: payload.length,
    }),
  );
  writer.bytes(body);
  return writer.finish().slice();
}

/** A chain of segments, one per payload, with Last on the final one (MS-OXCRPC 3.1.4.2.1.1). */
export function encodeRpcHeaderExtChain(
  payloads: readonly Uint8Array[],
  options: EncodeRpcHeaderExtOptions = {},
): Uint8Array {
  if (payloads.length === 0)
    throw new InvalidArgumentError("An RPC_HEADER_EXT chain needs at least one payload");
  const writer = new ByteWriter();
  payloads.forEach((payload, index) => {
    writer.bytes(encodeRpcHeaderExtSegment(payload, { ...options, last: index === payloads.length - 1 }));
  });
  return writer.finish().slice();
}

export interface DecodedRpcHeaderExtChain {
  /** Each segment's payload, deobfuscated and decompressed, in order. */
  readonly payloads: readonly Uint8Array[];
  readonly headers: readonly RpcHeaderExt[];
  /** Bytes of input used, up to and including the segment flagged Last. */
  readonly consumed: number;
}

export interface DecodeRpcHeaderExtChainOptions {
  /** Total decompressed bytes accepted; defaults to `MapiLimits.maxRpcHeaderExtChainTotal`. */
  readonly maxTotalSize?: number;
}

/**
 * Reads segments until one carries Last. Each payload is allocated at its SizeActual — a
 * 16-bit field, further capped by the chain total — and the decompressor must fill exactly
 * that many bytes from the Size bytes present, never more.
 */
export function decodeRpcHeaderExtChain(
  bytes: Uint8Array,
  options: DecodeRpcHeaderExtChainOptions = {},
): DecodedRpcHeaderExtChain {
  const maxTotal = options.maxTotalSize ?? MapiLimits.maxRpcHeaderExtChainTotal;
  const reader = new ByteReader(bytes);
  const payloads: Uint8Array[] = [];
  const headers: RpcHeaderExt[] = [];
  let total = 0;
  for (;;) {
    if (headers.length >= MapiLimits.maxRpcHeaderExtSegments) {
      throw new LimitExceededError(
        `RPC_HEADER_EXT chain has more than ${MapiLimits.maxRpcHeaderExtSegments} segments`,
        {
          limit: "maxRpcHeaderExtSegments",
          max: MapiLimits.maxRpcHeaderExtSegments,
        },
      );
    }
    const header = decodeRpcHeaderExt(reader);
    if (header.sizeActual > MapiLimits.maxRpcHeaderExtPayload) {
      throw new LimitExceededError("RPC_HEADER_EXT payload too large", {
        limit: "maxRpcHeaderExtPayload",
        max: MapiLimits.maxRpcHeaderExtPayload,
      });
    }
    total += header.sizeActual;
    if (total > maxTotal) {
      throw new LimitExceededError(`RPC_HEADER_EXT chain expands beyond ${maxTotal} bytes`, {
        limit: "maxRpcHeaderExtChainTotal",
        max: maxTotal,
      });
    }
    let body = reader.bytesView(header.size);
    if (header.flags & RpcHeaderExtFlag.XorMagic) body = xorMagic(body);
    const payload =
      header.flags & RpcHeaderExtFlag.Compressed
        ? decompressLz77(body, { expectedSize: header.sizeActual })
        : body.slice();
    payloads.push(payload);
    headers.push(header);
    if (header.flags & RpcHeaderExtFlag.Last) break;
    if (reader.remaining === 0) throw new ParseError("RPC_HEADER_EXT chain ends without a Last segment");
  }
  return { payloads, headers, consumed: reader.offset };
}
