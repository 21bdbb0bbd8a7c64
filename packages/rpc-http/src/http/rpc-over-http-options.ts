import type { HttpCredentials, HttpEngine, HttpTlsOptions, Logger } from "@mailwire/core";

/** Well-known RPC server ports behind an Exchange RPC proxy ([MS-OXCRPC], [MS-OXABREF]). */
export const RpcServerPort = {
  /** EMSMDB (the mailbox). */
  EMSMDB: 6001,
  /** The referral service (RFR). */
  REFERRAL: 6002,
  /** NSPI (the address book). */
  NSPI: 6004,
} as const;

export interface RpcOverHttpTimeouts {
  /** The whole virtual connection setup: both channels, authentication, CONN/A3 and CONN/C2. Default 30 s. */
  connectMs?: number | undefined;
  /**
   * Longest silence on the OUT channel before the connection counts as dead. The proxy pings
   * an idle OUT channel ([MS-RPCH] 3.2.4.2.2), so silence means it is gone. Default twice `keepAliveMs`.
   */
  idleMs?: number | undefined;
}

export interface RpcOverHttpOptions {
  /**
   * The RPC proxy: an https origin ("https://mail.example.com", path /rpc/rpcproxy.dll is
   * added) or a full proxy URL ending in rpcproxy.dll.
   */
  proxyUrl: string | URL;
  /** The RPC server behind the proxy: autodiscover's EXCH Server (or, for Exchange 2013+, the mailbox GUID@domain). */
  server: string;
  /** 6001 EMSMDB, 6004 NSPI (see RpcServerPort). */
  port: number;
  /** Basic or NTLM credentials; each channel authenticates its own connection. */
  credentials?: HttpCredentials | undefined;
  /** TLS: extra CAs, and `expectedPrincipalName` for autodiscover's CertPrincipalName ("msstd:mail.example.com"). */
  tls?: HttpTlsOptions | undefined;
  /** An HTTP proxy URL, or `false` for none (default: the environment's HTTPS_PROXY). */
  proxy?: string | URL | false | undefined;
  /** core's HTTP engine for the channels' clients (default `"undici"`; `"node"` for node:http). */
  engine?: HttpEngine | undefined;
  /** Allow Basic over plain http:// (tests only). */
  allowInsecureAuth?: boolean | undefined;
  signal?: AbortSignal | undefined;
  timeouts?: RpcOverHttpTimeouts | undefined;
  /** The client's OUT channel receive window ([MS-RPCH] 2.2.3.5.1: 8 KB..256 KB). Default 64 KB. */
  receiveWindow?: number | undefined;
  /**
   * Content-Length of each IN channel request, the bytes it can carry before it is recycled
   * ([MS-RPCH] 2.1.2.1.1: 128 KB..2 GB). Default 1 GB, as Windows clients send.
   */
  channelLifetime?: number | undefined;
  /** Interval of client pings on an idle IN channel, also sent as ClientKeepalive. Default 300 s. */
  keepAliveMs?: number | undefined;
  /**
   * Largest PDU accepted from the server; a bigger frag_length fails the connection with
   * MW_LIMIT_EXCEEDED. Default 65535 (frag_length is a u16).
   */
  maxReceivePduSize?: number | undefined;
  logger?: Logger | undefined;
}
