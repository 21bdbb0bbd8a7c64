import type { PduTransportFactory } from "../client/pdu-transport-factory.js";
import { connectRpcOverHttp } from "./connect-rpc-over-http.js";
import { type RpcOverHttpOptions, RpcServerPort } from "./rpc-over-http-options.js";

/** NSPI's interface UUID ([MS-NSPI] 1.9), the one interface behind the proxy's port 6004. */
const NSPI_INTERFACE_UUID = "f5cc5a18-4264-101a-8c59-08002b2f8426";

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
      uuid.toLowerCase() === NSPI_INTERFACE_UUID ? RpcServerPort.NSPI : RpcServerPort.EMSMDB);
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
