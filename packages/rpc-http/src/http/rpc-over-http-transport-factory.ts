import type { PduTransportFactory } from "../client/pdu-transport-factory.js";
import { NSPI_INTERFACE } from "../nspi/interfaces.js";
import { connectRpcOverHttp } from "./connect-rpc-over-http.js";
import { type RpcOverHttpOptions, RpcServerPort } from "./rpc-over-http-options.js";

export interface RpcOverHttpTransportFactoryOptions extends Omit<RpcOverHttpOptions, "port" | "signal"> {
  /** The port for an interface UUID (lower case); default 6004 for NSPI, 6001 for the rest (EMSMDB, AsyncEMSMDB). */
  portFor?: ((interfaceUuid: string) => number) | undefined;
}

/**
 * A `PduTransportFactory` for `createRpcSessionOver`: each binding gets its own virtual
 * connection through the RPC proxy to `<server>:6001` (EMSMDB, AsyncEMSMDB) or `:6004` (NSPI),
 * as Outlook opens them. The call's `signal` and `timeoutMs` bound the connection setup.
 */
export function rpcOverHttpTransportFactory(
  options: RpcOverHttpTransportFactoryOptions,
): PduTransportFactory {
  const portFor =
    options.portFor ??
    ((uuid: string) =>
      uuid.toLowerCase() === NSPI_INTERFACE.uuid ? RpcServerPort.NSPI : RpcServerPort.EMSMDB);
  return (request, callOptions) =>
    connectRpcOverHttp({
      ...options,
      port: portFor(request.interface.uuid.toLowerCase()),
      signal: callOptions.signal,
      timeouts: {
        ...options.timeouts,
        ...(callOptions.timeoutMs === undefined ? {} : { connectMs: callOptions.timeoutMs }),
      },
    });
}
