/**
 * Every bound and default the socket transport applies, with the reason for each number.
 * Protocol packages may pass other values per connection; these are the defaults.
 */
export const SocketLimits = {
  /**
   * Longest line accepted, CRLF included: 64 KiB. POP3 caps responses at 512 octets
   * (RFC 1939 §3) and SMTP-style text lines at 1000 (RFC 5321 §4.5.3.1.6), but IMAP sets no
   * cap (RFC 9051 §4): SEARCH and FETCH response lines run to tens of KiB on big mailboxes.
   * 64 KiB fits every server we know while a hostile server cannot make us buffer a line
   * without bound. The IMAP layer may raise it; message bodies are not subject to it.
   */
  maxLineLength: 64 * 1024,
  /**
   * Bytes kept in the line buffer while no read is pending (unsolicited IMAP untagged data,
   * pipelined replies) before the socket is paused and TCP flow control pushes back on the
   * server. One socket read is 64 KiB at most, so this holds at most two reads.
   */
  unsolicitedBufferBytes: 64 * 1024,
  /**
   * highWaterMark of body and literal streams: how far the transport reads ahead of a slow
   * consumer before it pauses the socket. Node's default for byte streams; with one socket
   * chunk of slack, a 30 MB RETR occupies about 128 KiB of memory at any moment.
   */
  streamHighWaterMark: 64 * 1024,
  /**
   * The one buffer a connection with `reuseReadBuffer` decrypts into: 64 KiB, Node's usual
   * socket read size. TLS hands over at most one record (16 KiB) per read anyway.
   */
  readBufferBytes: 64 * 1024,
} as const;

/**
 * Default per-phase timeouts in milliseconds. Each can be overridden per connection, and per
 * call with `timeoutMs`; `Number.POSITIVE_INFINITY` disables one.
 */
export const SocketTimeoutDefaults = {
  /** TCP connect. A reachable server answers SYN in well under a second; 30 s allows for a slow link and DNS. */
  connectMs: 30_000,
  /** TLS handshake (implicit TLS and STARTTLS); a few round trips plus certificate checks. */
  tlsMs: 30_000,
  /** The server greeting after connect. Servers doing reverse DNS or tarpitting take seconds, not tens. */
  greetingMs: 30_000,
  /** A reply line after a command. Some commands (IMAP SEARCH, POP3 UIDL on 100k messages) take tens of seconds. */
  responseMs: 60_000,
  /**
   * Silence tolerated in the middle of a body or literal while we are waiting for bytes. Time
   * spent paused because our consumer is slow does not count: that is not the server's fault.
   */
  idleMs: 60_000,
  /** Waiting for a drained write buffer (the server stopped reading). Same reasoning as idle. */
  writeMs: 60_000,
  /** Grace for an orderly close (our FIN, the server's FIN) before the socket is destroyed. */
  closeMs: 5_000,
} as const;

/** Per-phase timeout overrides a connection accepts; each falls back to SocketTimeoutDefaults. */
export interface SocketTimeouts {
  connectMs?: number | undefined;
  tlsMs?: number | undefined;
  greetingMs?: number | undefined;
  responseMs?: number | undefined;
  idleMs?: number | undefined;
  writeMs?: number | undefined;
  closeMs?: number | undefined;
}

/** The timeouts with every default filled in. */
export type ResolvedSocketTimeouts = { readonly [K in keyof typeof SocketTimeoutDefaults]: number };

export function resolveTimeouts(timeouts: SocketTimeouts | undefined): ResolvedSocketTimeouts {
  const out: Record<string, number> = { ...SocketTimeoutDefaults };
  for (const [name, value] of Object.entries(timeouts ?? {})) if (value !== undefined) out[name] = value;
  return out as ResolvedSocketTimeouts;
}
