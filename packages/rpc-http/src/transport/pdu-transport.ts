import type { TransportCallOptions } from "@mailwire/mapi";

/**
 * A connection that carries whole DCE/RPC connection-oriented PDUs (C706 chapter 12) between
 * the client and one RPC server. The DCE/RPC layer above it (bind, auth verifiers, request
 * fragmentation, call ids) is the same whatever carries the bytes:
 *
 * - ncacn_ip_tcp: one TCP (optionally TLS) socket to the server's endpoint.
 * - ncacn_http (MS-RPCH RPC over HTTP v2): a virtual connection made of an IN channel
 *   (`RPC_IN_DATA`) and an OUT channel (`RPC_OUT_DATA`) through an RPC proxy; RTS PDUs (flow
 *   control, pings, recycling) are consumed by the transport and never surface here.
 *
 * `receive` resolves with exactly one PDU (frag_length bytes, common header included), so the
 * layer above never sees TCP or HTTP chunk boundaries.
 */
export interface PduTransport {
  /** Sends one PDU (already fragmented and signed/sealed by the caller). */
  send(pdu: Uint8Array, options?: TransportCallOptions): Promise<void>;
  /** The next PDU from the server, reassembled from however the bytes arrived. */
  receive(options?: TransportCallOptions): Promise<Uint8Array>;
  /** Closes the connection (both channels for RPC over HTTP). Idempotent. */
  close(): Promise<void>;
  /** Largest PDU the transport accepts in one `send` (the negotiated max_xmit_frag caps it further). */
  readonly maxPduSize: number;
}
