// Bounds on what an EWS response may make us hold or walk. A server (or anything in the path
// that can answer in its name) must not be able to exhaust memory or stack with one reply.

export const EwsLimits = {
  /**
   * A buffered SOAP response. Large payloads (MimeContent, attachment Content) have their own
   * streaming path, so a buffered reply is metadata: 1,000 items of a FindItem page with a few
   * properties each is well under 8 MiB; 64 MiB leaves room for GetItem with bodies.
   */
  maxResponseBytes: 64 * 1024 * 1024,
  /**
   * Element nesting. EWS responses nest about 12 deep (Envelope/Body/…/Items/Message/From/Mailbox/
   * Name); restrictions echoed in MessageXml add a few. 64 stops recursion bombs long before the
   * stack is at risk.
   */
  maxDepth: 64,
  /** Elements in one response: a 1,000-item page with ~50 elements per item, with margin. */
  maxElements: 2_000_000,
  /** One attribute value (ids and change keys are a few hundred characters). */
  maxAttributeLength: 64 * 1024,
  /**
   * Bytes before `<t:Content>`/`<t:MimeContent>` while streaming, and after it: envelope,
   * headers and item metadata only.
   */
  maxStreamFrameBytes: 1024 * 1024,
  /** Pages FindItem/FindFolder iterators request at most per call (Exchange Online caps at 1,000). */
  maxPageSize: 1_000,
} as const;

export type EwsLimitsShape = { -readonly [K in keyof typeof EwsLimits]: number };
