import { PROTOCOL_PREFERENCE, type ProtocolName } from "../mailbox.js";

/**
 * Outlook treats a link under 128 kbit/s as slow (the default of its slow-link registry value)
 * and then reverses its connection order for Exchange (Outlook Anywhere guidance); in cached
 * mode it also downloads headers only. We keep the threshold and order by weight instead.
 */
export const SLOW_LINK_KBPS = 128;

/**
 * Lightest first, by bytes on the wire per message listed: IMAP fetches envelopes only over a
 * bare line protocol; POP3 needs no HTTP framing but has only TOP to peek at headers; MAPI/HTTP
 * sends binary ROPs, LZ77-compressed (MS-OXCRPC 3.1.4.11.1); RPC/HTTP carries the same ROPs in
 * DCE/RPC PDUs on two HTTP channels with RTS keep-alive pings (MS-RPCH 3.2.2.4); EWS is SOAP XML,
 * the heaviest per item.
 */
export const LIGHT_PREFERENCE: readonly ProtocolName[] = ["imap", "pop3", "mapi-http", "rpc-http", "ews"];

export interface OrderOptions {
  /** Measured link speed; null or undefined when unknown (then the link counts as fast). */
  readonly kbps?: number | null | undefined;
  readonly slowLinkKbps?: number | undefined;
  /** Only this protocol (`--protocol`). */
  readonly forced?: ProtocolName | undefined;
  /** The protocol that worked last time goes first (a saved profile). */
  readonly preferred?: ProtocolName | undefined;
}

export function isSlowLink(kbps: number | null | undefined, threshold = SLOW_LINK_KBPS): boolean {
  return typeof kbps === "number" && Number.isFinite(kbps) && kbps < threshold;
}

/** The order in which to try protocols. */
export function protocolOrder(options: OrderOptions = {}): ProtocolName[] {
  if (options.forced) return [options.forced];
  const base = isSlowLink(options.kbps, options.slowLinkKbps) ? LIGHT_PREFERENCE : PROTOCOL_PREFERENCE;
  const order = [...base];
  if (options.preferred && order.includes(options.preferred)) {
    order.splice(order.indexOf(options.preferred), 1);
    order.unshift(options.preferred);
  }
  return order;
}
