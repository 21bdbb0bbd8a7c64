/**
 * Bounds for every response the autodiscover codecs read. The bodies come from servers we
 * may not trust yet (a host named in a redirect, anything reachable on port 80), so each
 * number is chosen to sit well above what a real server sends and far below what would
 * hurt a client.
 */
export const AutodiscoverLimits = {
  /**
   * Largest XML or JSON body accepted, in bytes. A POX settings response with every
   * protocol block is 5–15 KB; a batched GetUserSettings for 100 users (the MS-OXWSADISC
   * batch ceiling) with a few dozen settings each stays under 1 MB.
   */
  maxBodyBytes: 1_048_576,
  /** Element nesting. MS-OXDSCLI 2.2.4 documents nest to depth 7 (Autodiscover/Response/Account/Protocol/External/Protocol/ASUrl), SOAP to about 9. */
  maxDepth: 32,
  /** Elements in one document; a 100-user GetUserSettings reply needs a few thousand. */
  maxElements: 20_000,
  /** Users in one GetUserSettings request (MS-OXWSADISC 3.1.4.1: the server accepts at most 100). */
  maxBatchUsers: 100,
  /** Redirects followed in one discovery (MS-OXDSCLI 3.1.5.4 asks clients to limit them; Outlook stops at 10). */
  maxRedirects: 10,
  /** Servers taken from one autoconfig document per protocol; real ones list 1–3. */
  maxServersPerProtocol: 8,
} as const;
