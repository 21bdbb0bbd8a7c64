// Counters tests assert on ("the client reused its connection", "it authenticated once").

export interface SimStats {
  /** TLS connections accepted. */
  connections: number;
  requests: number;
  /** CHALLENGE messages sent. */
  ntlmChallenges: number;
  /** Completed, verified NTLM handshakes. */
  ntlmHandshakes: number;
  ntlmFailures: number;
  /** Why the last NTLM handshake failed (e.g. "bad-mic"), for test diagnostics. */
  lastNtlmFailure: string | undefined;
  basicLogins: number;
  bearerLogins: number;
  /** 401 responses sent, challenges included. */
  unauthorized: number;
  throttled: number;
  dropped: number;
  delayed: number;
}

export function emptyStats(): SimStats {
  return {
    connections: 0,
    requests: 0,
    ntlmChallenges: 0,
    ntlmHandshakes: 0,
    ntlmFailures: 0,
    lastNtlmFailure: undefined,
    basicLogins: 0,
    bearerLogins: 0,
    unauthorized: 0,
    throttled: 0,
    dropped: 0,
    delayed: 0,
  };
}
