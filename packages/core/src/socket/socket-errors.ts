import { ConnectionError } from "../errors/error-classes.js";
import { MailwireError } from "../errors/mailwire-error.js";

/** Who we were talking to, for error details. */
export interface Peer {
  host?: string | undefined;
  port?: number | undefined;
}

/** A socket-level failure (ECONNRESET, EPIPE, ECONNREFUSED...) as ConnectionError MW_CONNECTION, reason = the errno code. */
export function connectionError(error: unknown, peer: Peer): MailwireError {
  if (error instanceof MailwireError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new ConnectionError(
    `Connection to ${peer.host ?? "the server"}:${peer.port ?? "?"} failed: ${reason}`,
    {
      cause: error,
      details: { host: peer.host, port: peer.port, reason },
    },
  );
}

/** Any thrown value as a MailwireError: ours pass through, the rest become ConnectionError. */
export function asMailwireError(error: unknown, peer: Peer): MailwireError {
  return error instanceof MailwireError ? error : connectionError(error, peer);
}
