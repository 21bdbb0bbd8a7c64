import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter } from "../bytes/byte-writer.js";
import { fromUtf16le, utf16le } from "../bytes/encoding.js";
import { InvalidArgumentError, LimitExceededError, ParseError } from "../errors/error-classes.js";
import { NtlmLimits } from "./limits.js";

/** AvId values, MS-NLMP 2.2.2.1. */
export const AvId = {
  MsvAvEOL: 0x0000,
  MsvAvNbComputerName: 0x0001,
  MsvAvNbDomainName: 0x0002,
  MsvAvDnsComputerName: 0x0003,
  MsvAvDnsDomainName: 0x0004,
  MsvAvDnsTreeName: 0x0005,
  MsvAvFlags: 0x0006,
  MsvAvTimestamp: 0x0007,
  MsvAvSingleHost: 0x0008,
  MsvAvTargetName: 0x0009,
  MsvAvChannelBindings: 0x000a,
} as const;

/** Bits of the MsvAvFlags value, MS-NLMP 2.2.2.1. */
export const MsvAvFlag = {
  /** The server tells the client that account authentication is constrained. */
  ACCOUNT_AUTHENTICATION_CONSTRAINED: 0x0000_0001,
  /** The client put a MIC in the AUTHENTICATE_MESSAGE. */
  MIC_PRESENT: 0x0000_0002,
  /** The client's MsvAvTargetName came from an untrusted source. */
  UNVERIFIED_TARGET_NAME: 0x0000_0004,
} as const;

/** One AV_PAIR. `value` is a copy, never a view of the decoder's input. */
export interface AvPair {
  readonly id: number;
  readonly value: Uint8Array;
}

/** Value lengths fixed by MS-NLMP 2.2.2.1; a pair of these ids with another length is malformed. */
const FIXED_VALUE_LENGTH: Readonly<Record<number, number>> = {
  [AvId.MsvAvFlags]: 4,
  [AvId.MsvAvTimestamp]: 8,
  [AvId.MsvAvChannelBindings]: 16,
};

/** Ids whose value is a UTF-16LE string (MS-NLMP 2.2.2.1: "MUST be in Unicode"). */
const TEXT_IDS: ReadonlySet<number> = new Set([
  AvId.MsvAvNbComputerName,
  AvId.MsvAvNbDomainName,
  AvId.MsvAvDnsComputerName,
  AvId.MsvAvDnsDomainName,
  AvId.MsvAvDnsTreeName,
  AvId.MsvAvTargetName,
]);

/**
 * Decodes a TargetInfo / NTLMv2_CLIENT_CHALLENGE.AvPairs list up to and excluding MsvAvEOL.
 * Anything after MsvAvEOL is ignored. Throws ParseError for a truncated or inconsistent
 * list and LimitExceededError past NtlmLimits.maxAvPairs.
 */
export function decodeAvPairs(bytes: Uint8Array): AvPair[] {
  const reader = new ByteReader(bytes);
  const pairs: AvPair[] = [];
  for (;;) {
    if (reader.remaining === 0) {
      throw new ParseError("AV_PAIR list ends without MsvAvEOL", { offset: reader.offset });
    }
    const at = reader.offset;
    const id = reader.u16();
    const length = reader.u16();
    if (id === AvId.MsvAvEOL) {
      if (length !== 0) throw new ParseError("MsvAvEOL with a non-zero AvLen", { offset: at });
      return pairs;
    }
    if (pairs.length >= NtlmLimits.maxAvPairs) {
      throw new LimitExceededError(`More than ${NtlmLimits.maxAvPairs} AV pairs`, {
        limit: "maxAvPairs",
        max: NtlmLimits.maxAvPairs,
      });
    }
    const fixed = FIXED_VALUE_LENGTH[id];
    if (fixed !== undefined && length !== fixed) {
      throw new ParseError(`AV pair ${id} must be ${fixed} bytes, got ${length}`, { offset: at });
    }
    if (TEXT_IDS.has(id) && length % 2 !== 0) {
      throw new ParseError(`AV pair ${id} holds UTF-16 text but has odd length ${length}`, { offset: at });
    }
    pairs.push({ id, value: reader.bytesCopy(length) });
  }
}

/** Encodes pairs followed by MsvAvEOL. An MsvAvEOL among `pairs` is an error. */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const writer = new ByteWriter(4 + pairs.reduce((sum, pair) => sum + 4 + pair.value.length, 0));
  for (const pair of pairs) {
    if (pair.id === AvId.MsvAvEOL)
      throw new InvalidArgumentError("MsvAvEOL is added by encodeAvPairs itself");
    if (!Number.isInteger(pair.id) || pair.id < 0 || pair.id > 0xffff) {
      throw new InvalidArgumentError(`AvId ${pair.id} is not a u16`);
    }
    if (pair.value.length > 0xffff) {
      throw new InvalidArgumentError(`AV pair ${pair.id} value of ${pair.value.length} bytes exceeds AvLen`);
    }
    writer.u16(pair.id).u16(pair.value.length).bytes(pair.value);
  }
  writer.u16(AvId.MsvAvEOL).u16(0);
  return writer.finish().slice();
}

export function findAvPair(pairs: readonly AvPair[], id: number): AvPair | undefined {
  return pairs.find((pair) => pair.id === id);
}

export function textAvPair(id: number, text: string): AvPair {
  return { id, value: utf16le(text) };
}

export function u32AvPair(id: number, value: number): AvPair {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return { id, value: bytes };
}

/** TargetInfo in readable form. Unknown ids are left out; the raw list keeps them. */
export interface TargetInfoSummary {
  nbComputerName?: string;
  nbDomainName?: string;
  dnsComputerName?: string;
  dnsDomainName?: string;
  dnsTreeName?: string;
  targetName?: string;
  flags?: number;
  /** FILETIME: 100 ns ticks since 1601-01-01 UTC. */
  timestamp?: bigint;
  channelBindings?: Uint8Array;
}

export function summarizeTargetInfo(pairs: readonly AvPair[]): TargetInfoSummary {
  const summary: TargetInfoSummary = {};
  // First occurrence wins, matching findAvPair.
  for (const { id, value } of [...pairs].reverse()) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    switch (id) {
      case AvId.MsvAvNbComputerName:
        summary.nbComputerName = fromUtf16le(value);
        break;
      case AvId.MsvAvNbDomainName:
        summary.nbDomainName = fromUtf16le(value);
        break;
      case AvId.MsvAvDnsComputerName:
        summary.dnsComputerName = fromUtf16le(value);
        break;
      case AvId.MsvAvDnsDomainName:
        summary.dnsDomainName = fromUtf16le(value);
        break;
      case AvId.MsvAvDnsTreeName:
        summary.dnsTreeName = fromUtf16le(value);
        break;
      case AvId.MsvAvTargetName:
        summary.targetName = fromUtf16le(value);
        break;
      case AvId.MsvAvFlags:
        if (value.length === 4) summary.flags = view.getUint32(0, true);
        break;
      case AvId.MsvAvTimestamp:
        if (value.length === 8) summary.timestamp = view.getBigUint64(0, true);
        break;
      case AvId.MsvAvChannelBindings:
        summary.channelBindings = value;
        break;
    }
  }
  return summary;
}
