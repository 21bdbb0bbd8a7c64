import {
  createRpcSessionOver,
  type RpcOverHttpTransportFactoryOptions,
  type RpcSessionCommonOptions,
  rpcOverHttpTransportFactory,
} from "@mailwire/rpc-http";
import { toMailboxError } from "../../errors.js";
import type { AdapterOptions } from "../adapter-options.js";
import { connectStep } from "../shared/connect-step.js";
import { MapiMailboxAdapter } from "./mapi-mailbox.js";

export interface RpcHttpMailboxOptions extends AdapterOptions {
  /** The RPC proxy (Outlook Anywhere): `proxyUrl`, `server` (EXCH Server), HTTP `credentials`, `tls`... */
  readonly proxy: RpcOverHttpTransportFactoryOptions;
  /** EMSMDB: `userDn` (LegacyDN), RPC-level NTLM `credentials`, auth level... */
  readonly session: Omit<RpcSessionCommonOptions, "signal" | "timeoutMs">;
}

/**
 * EMSMDB over RPC over HTTP v2 (MS-RPCH through the RPC proxy, MS-OXCRPC EcDoConnectEx) and
 * RopLogon, then the same MAPI adapter as MAPI/HTTP: both carry one `MapiSession`.
 */
export async function openRpcHttpMailbox(options: RpcHttpMailboxOptions): Promise<MapiMailboxAdapter> {
  const secrets = [options.proxy.credentials?.password, options.session.credentials.password];
  try {
    const { session, transport } = await createRpcSessionOver(rpcOverHttpTransportFactory(options.proxy), {
      ...options.session,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return new MapiMailboxAdapter(session, {
      ...options,
      protocol: "rpc-http",
      secrets,
      onClose: () => transport.close(),
    });
  } catch (error) {
    throw toMailboxError(error, "rpc-http", connectStep(error), secrets);
  }
}
