import type { ConnectOptions, SocketTimeouts } from "@mailwire/core";
import type { PduTransportFactory } from "../client/pdu-transport-factory.js";
import { DceRpcLimits } from "../dcerpc/limits.js";
import { lookupTcpEndpoint } from "./endpoint-mapper.js";
import { TcpPduTransport } from "./tcp-pdu-transport.js";

export interface TcpTransportFactoryOptions {
  readonly host: string;
  /** The interfaces' TCP port. When omitted, each interface's port is asked of the endpoint mapper (and remembered). */
  readonly port?: number | undefined;
  /** The endpoint mapper's port. Default 135. */
  readonly endpointMapperPort?: number | undefined;
  readonly timeouts?: SocketTimeouts | undefined;
  readonly maxFragLength?: number | undefined;
  readonly lookup?: ConnectOptions["lookup"];
}

/** A `PduTransportFactory` for ncacn_ip_tcp: a TCP connection per binding, ports from ept_map unless given. */
export function tcpTransportFactory(options: TcpTransportFactoryOptions): PduTransportFactory {
  const ports = new Map<string, Promise<number>>();
  return async (request, callOptions) => {
    let port = options.port;
    if (port === undefined) {
      const key = request.interface.uuid;
      let pending = ports.get(key);
      if (!pending) {
        pending = lookupTcpEndpoint({
          host: options.host,
          port: options.endpointMapperPort,
          interface: request.interface,
          timeouts: options.timeouts,
          lookup: options.lookup,
          signal: callOptions.signal,
          timeoutMs: callOptions.timeoutMs,
        });
        ports.set(key, pending);
        // A failed lookup is not remembered: the next binding asks again.
        pending.catch(() => ports.delete(key));
      }
      port = await pending;
    }
    return TcpPduTransport.connect({
      host: options.host,
      port,
      timeouts: options.timeouts,
      // The size bind proposes as max_recv_frag: a longer fragment is refused from its header.
      maxFragLength: options.maxFragLength ?? DceRpcLimits.defaultFragLength,
      lookup: options.lookup,
      signal: callOptions.signal,
      timeoutMs: callOptions.timeoutMs,
    });
  };
}
