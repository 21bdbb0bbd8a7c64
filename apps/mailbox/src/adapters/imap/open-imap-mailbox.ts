import { connectImap, type ImapConnectOptions } from "@mailwire/imap";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { ImapMailboxAdapter } from "./imap-mailbox.js";

export interface ImapMailboxOptions extends AdapterOptions {
  /** Everything `connectImap` takes: `host`, `port`, `tls`, `tlsOptions`, `auth`... */
  readonly connect: ImapConnectOptions;
}

/** Connects and logs in (one attempt: a refused password is never sent again), then wraps the session. */
export async function openImapMailbox(options: ImapMailboxOptions): Promise<ImapMailboxAdapter> {
  const auth = options.connect.auth;
  const secrets = ["password" in auth ? auth.password : undefined];
  try {
    const session = await connectImap({
      ...options.connect,
      signal: options.signal ?? options.connect.signal,
      timeoutMs: options.timeoutMs ?? options.connect.timeoutMs,
    });
    return new ImapMailboxAdapter(session, { ...options, secrets });
  } catch (error) {
    throw toMailboxError(error, "imap", connectStep(error), secrets);
  }
}
