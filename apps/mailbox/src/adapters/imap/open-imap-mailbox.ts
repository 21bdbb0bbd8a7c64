import { connectImap, type ImapConnectOptions, type ImapSession } from "@mailwire/imap";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { rememberRefusal } from "../shared/refusal-memory.js";
import { ImapMailboxAdapter } from "./imap-mailbox.js";

export interface ImapMailboxOptions extends AdapterOptions {
  /** Everything `connectImap` takes: `host`, `port`, `tls`, `tlsOptions`, `auth`... */
  readonly connect: ImapConnectOptions;
}

/**
 * Connects and logs in (one attempt: a refused password is never sent again), then wraps the
 * session. Later logins (after the connection closed) use the same options; once the server
 * refuses the password, no later login sends it again: the refusal is repeated locally.
 */
export async function openImapMailbox(options: ImapMailboxOptions): Promise<ImapMailboxAdapter> {
  const auth = options.connect.auth;
  const secrets = ["password" in auth ? auth.password : undefined];
  const connect = rememberRefusal(
    (signal): Promise<ImapSession> =>
      connectImap({
        ...options.connect,
        signal: signal ?? options.connect.signal,
        timeoutMs: options.timeoutMs ?? options.connect.timeoutMs,
      }),
  );
  try {
    const session = await connect(options.signal);
    return new ImapMailboxAdapter(session, { ...options, secrets, reconnect: connect });
  } catch (error) {
    throw toMailboxError(error, "imap", connectStep(error), secrets);
  }
}
