import { ErrorCode } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import type { RpcOverHttpTransportFactoryOptions } from "./rpc-over-http-transport-factory.js";

/**
 * What autodiscover's EXCH and EXPR blocks say about Outlook Anywhere ([MS-OXDSCLI] 2.2.4.1.1.2),
 * by structure: `@mailwire/autodiscover`'s `RpcHttpSettings` fits as it is.
 */
export interface RpcHttpAutodiscoverSettings {
  /** EXCH Server: the mailbox server (or GUID@domain) the proxy is asked for. */
  readonly mailboxServer?: string | undefined;
  /** EXPR Server: the RPC proxy's host name. */
  readonly proxyServer?: string | undefined;
  /** EXPR SSL: false means the proxy is reached over plain http. */
  readonly sslRequired?: boolean | undefined;
  /** EXPR CertPrincipalName ("msstd:mail.contoso.com"). */
  readonly certPrincipalName?: string | undefined;
  /** EXPR AuthPackage (Basic, Ntlm, Negotiate, ...): informational here, the proxy's 401 decides. */
  readonly authPackage?: string | undefined;
}

/**
 * The proxy URL, RPC server name and `msstd:` principal check for `connectRpcOverHttp` or
 * `rpcOverHttpTransportFactory`, from autodiscover's settings. The port follows the interface
 * (6001 EMSMDB, 6004 NSPI), so it is not part of the result.
 */
export function rpcOverHttpTarget(settings: RpcHttpAutodiscoverSettings): Pick<
  RpcOverHttpTransportFactoryOptions,
  "proxyUrl" | "server"
> & {
  expectedPrincipalName: string | undefined;
} {
  const { proxyServer, mailboxServer } = settings;
  if (!proxyServer || !mailboxServer) {
    throw new RpcHttpError(
      "autodiscover named no RPC proxy (EXPR Server) or no mailbox server (EXCH Server)",
      {
        code: ErrorCode.PROTOCOL,
        details: { proxyServer: proxyServer !== undefined, mailboxServer: mailboxServer !== undefined },
      },
    );
  }
  // A host name, not a URL: anything with a scheme, path or credentials is refused.
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(proxyServer)) {
    throw new RpcHttpError("the EXPR Server is not a host name", { code: ErrorCode.PROTOCOL });
  }
  const scheme = settings.sslRequired === false ? "http" : "https";
  return {
    proxyUrl: `${scheme}://${proxyServer}/rpc/rpcproxy.dll`,
    server: mailboxServer,
    expectedPrincipalName: settings.certPrincipalName,
  };
}
