/**
 * Every bound the POP3 codec and client apply, with the reason for each number. A hostile
 * or broken server must not make us buffer, allocate or loop without bound.
 */
export const Pop3Limits = {
  /**
   * Longest reply line we accept, CRLF included: 4 KiB. RFC 1939 §3 caps responses at 512
   * octets and RFC 2449 §4 keeps that cap for extended responses, but real servers exceed it
   * in greetings and -ERR texts (Exchange appends request ids). 8× the spec keeps us lenient
   * while a line that never ends cannot grow our buffer past a few KiB.
   */
  maxLineLength: 4096,
  /**
   * Longest command line we send, CRLF excluded: 253 octets. RFC 2449 §4 limits a command
   * line to 255 octets including CRLF.
   */
  maxCommandLength: 253,
  /**
   * Longest argument of a command other than PASS: RFC 1939 §3 says 40 characters, but user
   * names are e-mail addresses and SASL initial responses are long, so the only hard bound is
   * the command line itself. Kept as a separate number for clarity.
   */
  maxArgumentLength: 253,
  /** RFC 1939 §7: a unique-id is 1 to 70 characters in 0x21..0x7E. */
  maxUniqueIdLength: 70,
  /**
   * Largest message number accepted. RFC 1939 numbers messages from 1; 2^31-1 is far above
   * any real maildrop and keeps numbers exact and comparable as JavaScript integers.
   */
  maxMessageNumber: 2 ** 31 - 1,
  /** Largest octet count accepted in STAT/LIST: exact in a double (about 9 PB). */
  maxOctets: Number.MAX_SAFE_INTEGER,
  /** CAPA lines kept; RFC 2449 defines about a dozen tags, servers add a few of their own. */
  maxCapabilities: 256,
  /** Arguments kept per CAPA line (a long SASL list has maybe 15). */
  maxCapabilityArguments: 64,
  /**
   * Longest APOP timestamp accepted, angle brackets included. RFC 1939 §7 uses a msg-id
   * (RFC 822), in practice under 100 characters.
   */
  maxTimestampLength: 256,
  /** Longest response code (the text inside `[...]`, RFC 2449 §8) we keep. */
  maxResponseCodeLength: 128,
  /** LIST/UIDL entries accepted in one multi-line response: ten million messages. */
  maxListingEntries: 10_000_000,
  /**
   * Longest message body retrieveManyBuffers collects into memory: 256 MiB. Above any real
   * server's message size limit (Exchange Online accepts up to 150 MB, most providers 25-50 MB),
   * so it only stops a server that sends a body without end.
   */
  maxBufferedMessageBytes: 256 * 1024 * 1024,
  /**
   * Most a body buffer is sized ahead of the bytes received, from the octet count a server
   * announces in `+OK n octets`: 1 MiB. Honest counts make the first buffer the exact size;
   * a lying one costs at most this much per reply, and bigger bodies grow as they arrive.
   */
  maxBodyPreallocation: 1024 * 1024,
  /** Commands in flight at once when pipelining (RFC 2449 §6.6); see Pop3ClientOptions.pipelineWindow. */
  defaultPipelineWindow: 32,
  /**
   * Upper bound for the window: enough to hide the round trip on any link, small enough that
   * the commands we queue (≤ 255 octets each) never fill the server's receive buffer while it
   * is busy writing a body we are not reading yet.
   */
  maxPipelineWindow: 256,
} as const;
