/**
 * Bounds the SASL layer enforces against a hostile or broken server. Each number says
 * why it is what it is; callers can tighten or loosen the SCRAM ones per attempt.
 */
export const SaslLimits = {
  /**
   * Lowest SCRAM iteration count accepted. RFC 5802 §5.1 and RFC 7677 §4 ask for at least
   * 4096; a server that offers fewer is either misconfigured or trying to make the salted
   * password cheap to attack from a captured exchange.
   */
  scramMinIterations: 4096,
  /**
   * Highest SCRAM iteration count accepted. The count comes from the server and we pay for
   * it in CPU (PBKDF2 runs on libuv's thread pool). Two million covers OWASP's 2023
   * guidance (600,000 for SHA-256, 1,300,000 for SHA-1) with headroom, and is a second or
   * two of work, so a server cannot pin the client's thread pool for minutes.
   */
  scramMaxIterations: 2_000_000,
  /** Shortest SCRAM salt accepted, in bytes; RFC 5802 §5.1 leaves it open, 8 rules out degenerate salts. */
  scramMinSaltBytes: 8,
  /** Longest server message the mechanisms parse (SCRAM server-first, OAuth error JSON). */
  maxChallengeBytes: 16 * 1024,
  /**
   * Most server challenges in one exchange. Our longest mechanism (SCRAM with the server
   * final sent as a challenge) needs 3; the slack absorbs servers that send an empty
   * challenge first. A server that keeps challenging past this is looping us.
   */
  maxSteps: 8,
  /** Bytes of random client nonce before base64 (RFC 5802 §5.1 asks for a fresh, unpredictable nonce). */
  clientNonceBytes: 24,
} as const;
