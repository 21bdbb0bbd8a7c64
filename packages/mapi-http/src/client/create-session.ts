import { MapiSession, type TransportCallOptions } from "@mailwire/mapi";
import { MapiHttpMailboxTransport, type MapiHttpTransportOptions } from "./mailbox-transport.js";

export interface MapiHttpSessionOptions extends MapiHttpTransportOptions, TransportCallOptions {
  /** The mailbox's DN for RopLogon; defaults to `userDn` (one's own mailbox). */
  readonly mailboxDn?: string;
  /** Rows per QueryRows page. */
  readonly pageSize?: number;
}

/**
 * Connects to a MAPI/HTTP mailbox endpoint and logs on: a `MapiSession` over a
 * `MapiHttpMailboxTransport`. Closing the session disconnects; close the transport after
 * it if it created its own HTTP client.
 */
export async function createMapiHttpSession(
  options: MapiHttpSessionOptions,
): Promise<{ session: MapiSession; transport: MapiHttpMailboxTransport }> {
  const transport = new MapiHttpMailboxTransport(options);
  try {
    const session = await MapiSession.open({
      transport,
      mailboxDn: options.mailboxDn ?? options.userDn,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return { session, transport };
  } catch (error) {
    await transport.close();
    throw error;
  }
}
