import { ProtocolError } from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import { RpcConnection } from "../client/rpc-connection.js";
import type { SyntaxId } from "../dcerpc/constants.js";
import {
  decodeEptMapResponse,
  EPMAPPER_INTERFACE,
  EPMAPPER_PORT,
  EPT_MAP_OPNUM,
  EPT_S_NOT_REGISTERED,
  encodeEptMapRequest,
} from "./ept-map.js";
import { decodeTcpTower, encodeTcpTower } from "./ept-tower.js";
import { TcpPduTransport, type TcpPduTransportOptions } from "./tcp-pdu-transport.js";

export interface EndpointLookupOptions
  extends TransportCallOptions,
    Omit<TcpPduTransportOptions, "port" | "host"> {
  readonly host: string;
  /** The endpoint mapper's port. Default 135. */
  readonly port?: number | undefined;
  readonly interface: SyntaxId;
}

/**
 * Asks the server's endpoint mapper (ept_map over ncacn_ip_tcp, unauthenticated, as Windows
 * clients do) for the TCP port of `interface`. Throws ProtocolError when the interface is not
 * registered.
 */
export async function lookupTcpEndpoint(options: EndpointLookupOptions): Promise<number> {
  const transport = await TcpPduTransport.connect({ ...options, port: options.port ?? EPMAPPER_PORT });
  try {
    const connection = await RpcConnection.bind(transport, {
      interface: EPMAPPER_INTERFACE,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const request = encodeEptMapRequest({
      tower: encodeTcpTower({ interface: options.interface, port: 0, address: "0.0.0.0" }),
    });
    const response = decodeEptMapResponse(
      await connection.call(EPT_MAP_OPNUM, request, { ...options, operation: "ept_map" }),
    );
    if (response.status !== 0 || response.towers.length === 0) {
      const notRegistered = response.status === EPT_S_NOT_REGISTERED || response.towers.length === 0;
      throw new ProtocolError(
        notRegistered
          ? `The endpoint mapper has no TCP endpoint for ${options.interface.uuid}`
          : `ept_map failed with status 0x${response.status.toString(16)}`,
        { details: { status: response.status, interface: options.interface.uuid } },
      );
    }
    for (const bytes of response.towers) {
      const tower = decodeTcpTower(bytes);
      if (tower && tower.port > 0) return tower.port;
    }
    throw new ProtocolError(`The endpoint mapper returned no TCP tower for ${options.interface.uuid}`);
  } finally {
    await transport.close().catch(() => undefined);
  }
}
