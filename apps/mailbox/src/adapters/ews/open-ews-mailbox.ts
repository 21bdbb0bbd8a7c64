import { createEwsClient, type EwsClientOptions } from "@mailwire/ews";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { EwsMailboxAdapter } from "./ews-mailbox.js";

export interface EwsMailboxOptions extends AdapterOptions {
  /** Everything `createEwsClient` takes: `url`, `credentials`, `tls`, `http`, `impersonation`... */
  readonly client: EwsClientOptions;
}

/**
 * Creates an EWS client and proves the login with one GetFolder (Inbox, IdOnly): EWS has no
 * session, so this is the first request that can be refused. The client is closed again when
 * that fails.
 */
export async function openEwsMailbox(options: EwsMailboxOptions): Promise<EwsMailboxAdapter> {
  const client = createEwsClient(options.client);
  const secrets = [options.client.credentials?.password];
  try {
    await client.getFolder("inbox", {
      shape: { baseShape: "IdOnly" },
      signal: options.signal,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw toMailboxError(error, "ews", connectStep(error), secrets);
  }
  return new EwsMailboxAdapter(client, { ...options, secrets });
}
