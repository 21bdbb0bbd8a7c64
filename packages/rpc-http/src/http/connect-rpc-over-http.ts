import type { PduTransport } from "../transport/pdu-transport.js";
import { RpcOverHttpConnection } from "./rpc-over-http-connection.js";
import type { RpcOverHttpOptions } from "./rpc-over-http-options.js";

/**
 * Opens an RPC over HTTP v2 virtual connection ([MS-RPCH]) through an RPC proxy to one RPC
 * server and port, and resolves once CONN/C2 says it is established. The result carries
 * whole DCE/RPC PDUs for the layer above (bind, requests); RTS traffic stays inside.
 */
export async function connectRpcOverHttp(options: RpcOverHttpOptions): Promise<PduTransport> {
  const connection = new RpcOverHttpConnection(options);
  await connection.open();
  return connection;
}
