import { MapiSession, type TransportCallOptions } from "@mailwire/mapi";
import { type TcpTransportFactoryOptions, tcpTransportFactory } from "../tcp/tcp-transport-factory.js";
import { EmsmdbRpcTransport, type EmsmdbRpcTransportOptions } from "./emsmdb-rpc-transport.js";
import type { PduTransportFactory } from "./pdu-transport-factory.js";

export interface RpcSessionCommonOptions
  extends Omit<EmsmdbRpcTransportOptions, "connectTransport">,
    TransportCallOptions {
  /** The mailbox's DN for RopLogon; defaults to `userDn` (one's own mailbox). */
  readonly mailboxDn?: string;
  /** Rows per QueryRows page. */
  readonly pageSize?: number;
}

export interface RpcSessionOptions extends RpcSessionCommonOptions, Omit<TcpTransportFactoryOptions, "host"> {
  /** The mailbox server (Autodiscover's EXCH Server). */
  readonly host: string;
}

export interface RpcSession {
  readonly session: MapiSession;
  readonly transport: EmsmdbRpcTransport;
}

/**
 * Connects a `MapiSession` over any carrier of DCE/RPC PDUs: `connectTransport` opens each
 * connection (ncacn_ip_tcp, or RPC over HTTP v2 through an RPC proxy), this binds EMSMDB with
 * NTLM, calls EcDoConnectEx and logs on. Closing the session disconnects.
 */
export async function createRpcSessionOver(
  connectTransport: PduTransportFactory,
  options: RpcSessionCommonOptions,
): Promise<RpcSession> {
  const transport = new EmsmdbRpcTransport({ ...options, connectTransport });
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

/**
 * Connects a `MapiSession` over ncacn_ip_tcp: the EMSMDB port from the server's endpoint
 * mapper (port 135) unless `port` is given, RPC-level NTLM at packet privacy by default.
 */
export function createRpcSession(options: RpcSessionOptions): Promise<RpcSession> {
  return createRpcSessionOver(
    tcpTransportFactory({
      host: options.host,
      port: options.port,
      endpointMapperPort: options.endpointMapperPort,
      timeouts: options.timeouts,
      maxFragLength: options.maxFragLength,
      lookup: options.lookup,
    }),
    options,
  );
}
