/**
 * Bounds the MAPI/HTTP codecs enforce on what a server sends, each with its reason.
 */
export const MapiHttpLimits = {
  /**
   * One meta-tag or additional-header line (MS-OXCMAPIHTTP 2.2.7 and 2.2.2.2): the longest
   * real one is an X-StartTime date; 4 KiB leaves room for any server's headers.
   */
  maxLineBytes: 4096,
  /** Additional headers after DONE; Exchange sends three or four. */
  maxAdditionalHeaders: 64,
  /**
   * PENDING keep-alives on one response. At the usual 15 s X-PendingPeriod this is over a
   * day of waiting, far past any NotificationWait the server holds open.
   */
  maxMetaTags: 10_000,
  /**
   * The binary response body. An Execute answer is bounded by the client's MaxRopOut
   * (a few 64 KiB ROP buffers) plus its auxiliary buffer; 16 MiB is generous.
   */
  maxBodyBytes: 16 * 1024 * 1024,
  /** Auxiliary buffers (MS-OXCRPC 3.1.4.1: at most 0x1008 bytes out, and the same in). */
  maxAuxiliaryBytes: 0x1008,
  /** Null-terminated strings in Connect responses (DN prefix, display name). */
  maxStringBytes: 4096,
} as const;
