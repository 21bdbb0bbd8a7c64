// Size bounds of the DCE/RPC layer. Every length read from the wire is checked against one of
// these before anything is allocated for it.

export const DceRpcLimits = {
  /**
   * Largest fragment either side may send. frag_length is 16 bits (C706 12.6.3.1), so 65535
   * is the hard ceiling; Windows negotiates 5840 over TCP and up to 65535 elsewhere.
   */
  maxFragLength: 0xffff,
  /** What the client proposes as max_xmit_frag/max_recv_frag in bind (Windows' ncacn_ip_tcp default). */
  defaultFragLength: 5840,
  /**
   * The smallest max_recv_frag a peer may announce: C706 12.6.3.4 requires at least 1432
   * (MustRecvFragSize); anything smaller cannot carry a bind.
   */
  minFragLength: 1432,
  /**
   * Largest reassembled stub (all fragments of one response). EMSMDB's largest out buffer is
   * rgbOut of EcDoRpcExt2, at most 0x40000 bytes (MS-OXCRPC 3.1.4.2), plus auxiliary data and
   * NDR headers; NSPI rows are bounded by the caller's row count. 16 MiB leaves room for both.
   */
  maxStubLength: 16 * 1024 * 1024,
  /** Presentation contexts in one bind (ours proposes 1-2; a server's result list mirrors them). */
  maxContextElements: 16,
  /** Transfer syntaxes in one context element. */
  maxTransferSyntaxes: 8,
  /** Largest auth_value (an NTLM AUTHENTICATE is a few hundred bytes; a Kerberos ticket a few KiB). */
  maxAuthLength: 0x4000,
  /** Secondary address string in bind_ack (a port number or pipe name). */
  maxSecondaryAddress: 256,
} as const;
