/** Bounds for the few things this package parses itself. Each says why. */
export const ImapLimits = {
  /** Server text kept in errors. RFC 9051 sets no limit; 512 is plenty for a human-readable reason. */
  maxServerText: 512,
  /** A response code atom (RFC 9051 §7.1 `resp-text-code`); registered codes are under 30 characters. */
  maxResponseCodeLength: 64,
  /** Arguments kept from a response code (e.g. a long `[CAPABILITY ...]`), as data only. */
  maxResponseCodeArgumentLength: 256,
  /** UID set ranges we print or accept: a sequence-set of more ranges is split by the caller. */
  maxSequenceSetRanges: 10_000,
} as const;
