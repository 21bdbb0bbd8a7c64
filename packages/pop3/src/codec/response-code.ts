/**
 * Extended response codes (RFC 2449 §8) this client acts on, with their registry spelling.
 * A code is hierarchical: `SYS/TEMP` is the `TEMP` refinement of `SYS`.
 */
export const Pop3ResponseCode = {
  /** RFC 2449 §8.1.1: the maildrop is locked by another session. Retry later. */
  IN_USE: "IN-USE",
  /** RFC 2449 §8.1.2: logged in too soon after the last login (see CAPA LOGIN-DELAY). */
  LOGIN_DELAY: "LOGIN-DELAY",
  /** RFC 3206 §4: a temporary system problem; retrying later may succeed. */
  SYS_TEMP: "SYS/TEMP",
  /** RFC 3206 §4: a permanent system problem; retrying will not help. */
  SYS_PERM: "SYS/PERM",
  /** RFC 3206 §5: the failure is about the credentials themselves (AUTH-RESP-CODE capability). */
  AUTH: "AUTH",
  /** RFC 6856 §3: the command needs UTF-8 mode, or the mailbox holds UTF-8 the client did not ask for. */
  UTF8: "UTF8",
} as const;

export type Pop3ResponseCode = (typeof Pop3ResponseCode)[keyof typeof Pop3ResponseCode];
