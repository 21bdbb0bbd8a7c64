import type { TransportCallOptions } from "@mailwire/mapi";
import type { SyntaxId } from "../dcerpc/constants.js";
import type { PduTransport } from "../transport/pdu-transport.js";

/** What a new connection is for: the interface about to be bound on it. */
export interface PduTransportRequest {
  readonly interface: SyntaxId;
}

/**
 * Opens one new connection to the RPC server for `request.interface`. The ncacn_ip_tcp
 * factory connects to the interface's TCP endpoint; an RPC over HTTP carrier opens a virtual
 * connection through the proxy to `<server>:6001` (EMSMDB, AsyncEMSMDB) or `:6004` (NSPI).
 */
export type PduTransportFactory = (
  request: PduTransportRequest,
  options: TransportCallOptions,
) => Promise<PduTransport>;
