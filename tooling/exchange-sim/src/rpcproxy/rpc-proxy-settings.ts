import type { Duplex } from "node:stream";

/** Where the proxy sends the DCE/RPC bytes of a virtual connection (the "server" of [MS-RPCH]). */
export type RpcBackend =
  | { host: string; port: number }
  /** Makes the connection itself (tests: an in-process echo); `server`/`port` come from the channel URL. */
  | ((target: { server: string; port: number }) => Duplex);

export interface RpcProxySettings {
  /**
   * startSim defaults it to the sim's own DCE/RPC server (`sim.rpc.port`); `configure({ backend:
   * undefined })` leaves none, and channel requests get 503 "RPC Error: 6BA" (RPC_S_SERVER_UNAVAILABLE).
   */
  backend?: RpcBackend | undefined;
  /** The inbound proxy's receive window for the IN channel (CONN/C2), default 64 KiB. */
  inReceiveWindow?: number;
  /**
   * Content-Length of the OUT channel response, default 1 GiB ([MS-RPCH] 2.2.2.2: 128 KB..2 GB).
   * The proxy never writes past it: when the next PDU would not fit (less a small reserve for
   * the recycling PDUs) it recycles the OUT channel (OUT_R2/A2, [MS-RPCH] 3.2.4.4.x).
   */
  outChannelLifetime?: number;
  /** ConnectionTimeout sent in CONN/A3 and CONN/C2, default 120 s (the spec's minimum). */
  connectionTimeoutMs?: number;
  /** How often the outbound proxy pings the client on the OUT channel; 0 = never. Default 30 s. */
  pingIntervalMs?: number;
  /** Fault: send backend PDUs without regard to the client's receive window (default false). */
  ignoreClientWindow?: boolean;
  /**
   * Fault in OUT channel recycling: "drop-successor" closes the successor OUT channel as soon as
   * its OUT_R2/A3 arrives; "ignore-successor" keeps it open but never answers (no OUT_R2/A6);
   * "late-b3" switches to the successor (head and data) 200 ms before OUT_R2/B3 ends the predecessor;
   * "flood-successor" writes the successor's head and 40 KB of pings on it before OUT_R2/A6.
   */
  outRecycleFault?: "none" | "drop-successor" | "ignore-successor" | "late-b3" | "flood-successor";
  /**
   * Which OUT channel recycling the proxy runs ([MS-RPCH] 3.2.4.5.6): "R2" (default) as one
   * outbound proxy that keeps the virtual connection (OUT_R2/A6, A7, B3); "R1" as if the
   * successor reached another outbound proxy (OUT_R1/A6 on the predecessor, OUT_R1/A7 on the
   * IN channel, OUT_R1/A10 ending the predecessor, OUT_R1/A11 on the successor's request body).
   */
  outRecycleMode?: "R2" | "R1";
}

export interface RpcProxyStats {
  virtualConnections: number;
  inChannels: number;
  outChannels: number;
  echoRequests: number;
  recycledInChannels: number;
  /** OUT channels replaced by a successor (OUT_R2/B3 sent, successor's 200 head written). */
  recycledOutChannels: number;
  flowControlAcksSent: number;
  flowControlAcksReceived: number;
  pingsReceived: number;
  dataPdusIn: number;
  dataPdusOut: number;
  /** Most IN-channel data bytes the client had sent beyond the last acknowledgment (≤ the window when it obeys). */
  maxUnackedInBytes: number;
  /** Most OUT-channel PDUs waiting for the client's window at one time. */
  maxQueuedOutPdus: number;
  protocolErrors: string[];
}

export function emptyRpcProxyStats(): RpcProxyStats {
  return {
    virtualConnections: 0,
    inChannels: 0,
    outChannels: 0,
    echoRequests: 0,
    recycledInChannels: 0,
    recycledOutChannels: 0,
    flowControlAcksSent: 0,
    flowControlAcksReceived: 0,
    pingsReceived: 0,
    dataPdusIn: 0,
    dataPdusOut: 0,
    maxUnackedInBytes: 0,
    maxQueuedOutPdus: 0,
    protocolErrors: [],
  };
}

/** Test controls of the simulated RPC proxy (`sim.rpcProxy`). */
export interface RpcProxyControl {
  configure(settings: RpcProxySettings): void;
  /** The next `count` channel requests (any leg, authenticated or not) get this status. */
  failNextChannels(status: 401 | 503, count?: number): void;
  /** Destroys every open OUT channel connection now (the client sees its OUT channel drop). */
  dropOutChannels(): void;
  /** While true nothing is written on OUT channels (bytes are held); false flushes them. */
  stallOutChannels(stalled: boolean): void;
  /** Channel requests seen: method, URL target and Content-Length. */
  readonly requests: ReadonlyArray<{ method: string; target: string; contentLength: number }>;
  readonly stats: RpcProxyStats;
  /** Zeroes the counters and empties `requests`. */
  resetStats(): void;
}
