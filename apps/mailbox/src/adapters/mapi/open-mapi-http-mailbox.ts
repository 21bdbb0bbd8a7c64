import { createMapiHttpSession, type MapiHttpSessionOptions } from "@mailwire/mapi-http";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { MapiMailboxAdapter } from "./mapi-mailbox.js";

export interface MapiHttpMailboxOptions extends AdapterOptions {
  /** Everything `createMapiHttpSession` takes: `url` (mailStore), `userDn` (LegacyDN), `http`/`httpOptions`... */
  readonly session: MapiHttpSessionOptions;
}

/** MAPI/HTTP Connect + RopLogon (MS-OXCMAPIHTTP 2.2.4.1), then the MAPI adapter over the session. */
export async function openMapiHttpMailbox(options: MapiHttpMailboxOptions): Promise<MapiMailboxAdapter> {
  const secrets = [options.session.httpOptions?.credentials?.password];
  try {
    const { session, transport } = await createMapiHttpSession({
      ...options.session,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return new MapiMailboxAdapter(session, {
      ...options,
      protocol: "mapi-http",
      secrets,
      onClose: () => transport.close(),
    });
  } catch (error) {
    throw toMailboxError(error, "mapi-http", connectStep(error), secrets);
  }
}
