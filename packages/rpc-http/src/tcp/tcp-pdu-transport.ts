import {
  type ConnectOptions,
  concatBytes,
  connect,
  type LineConnection,
  type SocketTimeouts,
  type SocketTlsOptions,
} from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import { COMMON_HEADER_LENGTH } from "../dcerpc/constants.js";
import { DceRpcLimits } from "../dcerpc/limits.js";
import { decodeCommonHeader } from "../dcerpc/pdu-decode.js";
import type { PduTransport } from "../transport/pdu-transport.js";

export interface TcpPduTransportOptions extends TransportCallOptions {
  readonly host: string;
  readonly port: number;
  /** TLS around the TCP connection (not part of ncacn_ip_tcp; for tunnels that add it). */
  readonly secure?: boolean | undefined;
  readonly tls?: SocketTlsOptions | undefined;
  /** Per-phase socket timeouts (connect, idle while a PDU is arriving, write). */
  readonly timeouts?: SocketTimeouts | undefined;
  /**
   * Largest frag_length sent or accepted; a larger one fails before its body is read. Default
   * 65535; the session factory passes the fragment size it proposes in bind (default 5840).
   */
  readonly maxFragLength?: number | undefined;
  /** Name resolution, as net.connect's `lookup` (tests, pinned resolvers). */
  readonly lookup?: ConnectOptions["lookup"];
}

/**
 * ncacn_ip_tcp (C706 appendix I; MS-RPCE 2.1.1.1): PDUs back to back on one TCP connection,
 * framed by their frag_length. Built on core's socket transport (connect and TLS policy,
 * per-phase timeouts, abort); each PDU is read as its 16-byte header, checked, then exactly
 * frag_length − 16 more bytes.
 */
export class TcpPduTransport implements PduTransport {
  readonly #connection: LineConnection;
  readonly #maxFragLength: number;
  /** The largest PDU sent or accepted: bind proposes no more than this. */
  readonly maxPduSize: number;

  private constructor(connection: LineConnection, maxFragLength: number) {
    this.#connection = connection;
    this.#maxFragLength = maxFragLength;
    this.maxPduSize = maxFragLength;
  }

  static async connect(options: TcpPduTransportOptions): Promise<TcpPduTransport> {
    const connection = await connect({
      host: options.host,
      port: options.port,
      secure: options.secure,
      tls: options.tls,
      timeouts: options.timeouts,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      lookup: options.lookup,
    });
    return new TcpPduTransport(connection, options.maxFragLength ?? DceRpcLimits.maxFragLength);
  }

  async send(pdu: Uint8Array, options: TransportCallOptions = {}): Promise<void> {
    await this.#connection.write(pdu, { signal: options.signal, timeoutMs: options.timeoutMs });
  }

  async receive(options: TransportCallOptions = {}): Promise<Uint8Array> {
    const header = await this.#read(COMMON_HEADER_LENGTH, options);
    let fragLength: number;
    try {
      fragLength = decodeCommonHeader(header, this.#maxFragLength).fragLength;
    } catch (error) {
      // The byte stream has lost its framing: nothing after this header can be trusted.
      this.#connection.destroy();
      throw error;
    }
    if (fragLength === COMMON_HEADER_LENGTH) return header;
    const body = await this.#read(fragLength - COMMON_HEADER_LENGTH, options);
    return concatBytes(header, body);
  }

  async #read(count: number, options: TransportCallOptions): Promise<Uint8Array> {
    const stream = this.#connection.readBytes(count, {
      signal: options.signal,
      idleTimeoutMs: options.timeoutMs,
    });
    const parts: Uint8Array[] = [];
    for await (const chunk of stream) parts.push(chunk as Uint8Array);
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(...parts);
  }

  async close(): Promise<void> {
    if (this.#connection.closed) {
      this.#connection.destroy();
      return;
    }
    await this.#connection.close().catch(() => this.#connection.destroy());
  }
}
