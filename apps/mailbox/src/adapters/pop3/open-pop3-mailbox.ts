import { connectPop3, type Pop3Client, type Pop3ConnectOptions } from "@mailwire/pop3";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { rememberRefusal } from "../shared/refusal-memory.js";
import { Pop3MailboxAdapter } from "./pop3-mailbox.js";

export interface Pop3MailboxOptions extends AdapterOptions {
  /** Everything `connectPop3` takes: `host`, `port`, `tls`, `tlsOptions`, `auth`... */
  readonly connect: Pop3ConnectOptions;
}

/**
 * Logs in once to prove the credentials, then hands the adapter a way to open later sessions
 * (POP3 needs a new session to see new mail). Once the server refuses the password, no later
 * session sends it again: the refusal is repeated locally.
 */
export async function openPop3Mailbox(options: Pop3MailboxOptions): Promise<Pop3MailboxAdapter> {
  const auth = options.connect.auth;
  const secrets = ["password" in auth ? auth.password : undefined];
  const connect = rememberRefusal(
    (signal): Promise<Pop3Client> =>
      connectPop3({
        ...options.connect,
        signal: signal ?? options.connect.signal,
        timeoutMs: options.timeoutMs ?? options.connect.timeoutMs,
      }),
  );
  try {
    const first = await connect(options.signal);
    return new Pop3MailboxAdapter(first, { ...options, connect, secrets });
  } catch (error) {
    throw toMailboxError(error, "pop3", connectStep(error), secrets);
  }
}
