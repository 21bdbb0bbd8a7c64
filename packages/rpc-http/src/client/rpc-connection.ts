import {
  AuthError,
  ConnectionError,
  ErrorCode,
  MailwireError,
  NtlmClient,
  type NtlmCredentials,
  ProtocolError,
  publish,
  throwIfAborted,
} from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import {
  AuthLevel,
  AuthType,
  ContextResult,
  NDR_TRANSFER_SYNTAX,
  PacketType,
  PfcFlag,
  ProviderReason,
  type SyntaxId,
} from "../dcerpc/constants.js";
import { RpcBindError, RpcFaultError } from "../dcerpc/errors.js";
import { FaultStatus } from "../dcerpc/fault-status.js";
import { DceRpcLimits } from "../dcerpc/limits.js";
import { decodePdu } from "../dcerpc/pdu-decode.js";
import { encodePdu } from "../dcerpc/pdu-encode.js";
import { encodeProtectedPdu, openProtectedPdu, type PduProtection } from "../dcerpc/pdu-security.js";
import type { BindAckPdu, Pdu } from "../dcerpc/pdu-types.js";
import { fragmentStubSize, StubAssembler } from "../dcerpc/stub-assembler.js";
import type { PduTransport } from "../transport/pdu-transport.js";

/** RPC-level authentication (MS-RPCE 2.2.1.1.7/2.2.1.1.8): NTLM at packet integrity or privacy. */
export interface RpcAuthOptions {
  readonly credentials: NtlmCredentials;
  /** Default "privacy" (stubs sealed); "integrity" leaves them readable on the wire but signed. */
  readonly level?: "integrity" | "privacy" | undefined;
}

export interface RpcBindOptions extends TransportCallOptions {
  /** The interface to bind (abstract syntax); NDR 2.0 is the transfer syntax. */
  readonly interface: SyntaxId;
  /** Omit for an unauthenticated binding (the endpoint mapper). */
  readonly auth?: RpcAuthOptions | undefined;
  /** max_xmit_frag/max_recv_frag to propose. Default 5840 (DceRpcLimits.defaultFragLength). */
  readonly maxFragLength?: number | undefined;
  /** assoc_group_id to join (0: a new association group). */
  readonly assocGroupId?: number | undefined;
}

export interface RpcCallOptions extends TransportCallOptions {
  /** The method's name, for error messages. */
  readonly operation?: string | undefined;
}

/** Counters of one connection, e.g. to compare carriers. */
export interface RpcConnectionStats {
  calls: number;
  pdusSent: number;
  pdusReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

const CONTEXT_ID = 0;
/** auth_context_id of our one security context on the connection (any value the client picks). */
const AUTH_CONTEXT_ID = 0;

/**
 * One bound DCE/RPC association over a `PduTransport` (C706 chapter 12): bind (with the
 * NTLM three-leg exchange bind → bind_ack → rpc_auth_3, MS-RPCE 3.3.1.5.2), then calls one
 * at a time: the request stub split into fragments of the negotiated size, each signed or
 * sealed, the response fragments reassembled. A fault PDU becomes RpcFaultError; a transport
 * failure, a protocol violation or an aborted call leaves the connection broken (the stream's
 * position in a response is unknown), and every later call reports that first error.
 */
export class RpcConnection {
  readonly #transport: PduTransport;
  readonly #protection: PduProtection | undefined;
  readonly #maxXmitFrag: number;
  readonly #maxRecvFrag: number;
  readonly assocGroupId: number;
  /** sec_addr of bind_ack: the server's port (or pipe) as text. */
  readonly secondaryAddress: string;
  readonly stats: RpcConnectionStats;
  #callId: number;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: MailwireError | undefined;
  #closed = false;

  private constructor(init: {
    transport: PduTransport;
    protection: PduProtection | undefined;
    ack: BindAckPdu;
    maxXmitFrag: number;
    maxRecvFrag: number;
    callId: number;
    stats: RpcConnectionStats;
  }) {
    this.#transport = init.transport;
    this.#protection = init.protection;
    this.#maxXmitFrag = init.maxXmitFrag;
    this.#maxRecvFrag = init.maxRecvFrag;
    this.#callId = init.callId;
    this.assocGroupId = init.ack.assocGroupId;
    this.secondaryAddress = init.ack.secondaryAddress;
    this.stats = init.stats;
  }

  /** Largest fragment this connection sends (the server's max_recv_frag, capped by ours and the transport's). */
  get maxXmitFrag(): number {
    return this.#maxXmitFrag;
  }

  get authLevel(): number {
    return this.#protection?.level ?? AuthLevel.none;
  }

  /**
   * Binds `options.interface` on `transport`. Throws RpcBindError for bind_nak or a rejected
   * context, AuthError when NTLM cannot proceed, RpcFaultError for a fault. Does not close
   * the transport on failure (the caller owns it).
   */
  static async bind(transport: PduTransport, options: RpcBindOptions): Promise<RpcConnection> {
    throwIfAborted(options.signal);
    const stats: RpcConnectionStats = {
      calls: 0,
      pdusSent: 0,
      pdusReceived: 0,
      bytesSent: 0,
      bytesReceived: 0,
    };
    const proposed = Math.min(
      options.maxFragLength ?? DceRpcLimits.defaultFragLength,
      transport.maxPduSize,
      DceRpcLimits.maxFragLength,
    );
    if (proposed < DceRpcLimits.minFragLength) {
      throw new ProtocolError(
        `A fragment size of ${proposed} is below the ${DceRpcLimits.minFragLength} DCE/RPC requires`,
      );
    }
    const level = options.auth
      ? options.auth.level === "integrity"
        ? AuthLevel.integrity
        : AuthLevel.privacy
      : undefined;
    const ntlm = options.auth ? new NtlmClient({ ...options.auth.credentials }) : undefined;
    const callId = 1;
    const bind = encodePdu({
      type: PacketType.bind,
      flags: PfcFlag.FIRST_FRAG | PfcFlag.LAST_FRAG,
      callId,
      maxXmitFrag: proposed,
      maxRecvFrag: proposed,
      assocGroupId: options.assocGroupId ?? 0,
      contexts: [
        { contextId: CONTEXT_ID, abstractSyntax: options.interface, transferSyntaxes: [NDR_TRANSFER_SYNTAX] },
      ],
      auth:
        ntlm && level
          ? {
              authType: AuthType.winnt,
              authLevel: level,
              authPadLength: 0,
              authContextId: AUTH_CONTEXT_ID,
              authValue: ntlm.createNegotiate(),
            }
          : undefined,
    });
    await sendCounted(transport, stats, bind, options);
    const reply = await receiveCounted(transport, stats, proposed, options);
    if (reply.pdu.callId !== callId)
      throw new ProtocolError(`The bind answer has call_id ${reply.pdu.callId}`);
    if (reply.pdu.type === PacketType.bind_nak) {
      const reason = reply.pdu.reason;
      // 8 (authentication_type_not_recognized) and 9 (invalid_checksum) are authentication failures.
      throw new RpcBindError("The server refused the bind", reason, {
        details: { interface: options.interface.uuid },
      });
    }
    if (reply.pdu.type === PacketType.fault) throw new RpcFaultError(reply.pdu.status, { operation: "bind" });
    if (reply.pdu.type !== PacketType.bind_ack) {
      throw new ProtocolError(`The server answered bind with packet type ${reply.pdu.type}`);
    }
    const ack = reply.pdu;
    const result = ack.results[0];
    if (!result || result.result !== ContextResult.acceptance) {
      const reason = result?.reason ?? 0;
      throw new ProtocolError(
        `The server rejected the ${options.interface.uuid} v${options.interface.major}.${options.interface.minor} context: ${(ProviderReason as Record<number, string>)[reason] ?? reason}`,
        { details: { result: result?.result, reason } },
      );
    }
    if (ack.maxRecvFrag < DceRpcLimits.minFragLength) {
      throw new ProtocolError(
        `The server's max_recv_frag ${ack.maxRecvFrag} is below ${DceRpcLimits.minFragLength}`,
      );
    }
    let protection: PduProtection | undefined;
    if (ntlm && level) {
      if (!ack.auth || ack.auth.authType !== AuthType.winnt) {
        throw new AuthError("The server's bind_ack carries no NTLM challenge", {
          code: ErrorCode.AUTH_UNSUPPORTED,
        });
      }
      const authenticate = ntlm.createAuthenticate(ack.auth.authValue);
      const auth3 = encodePdu({
        type: PacketType.auth3,
        flags: PfcFlag.FIRST_FRAG | PfcFlag.LAST_FRAG,
        callId,
        auth: {
          authType: AuthType.winnt,
          authLevel: level,
          authPadLength: 0,
          authContextId: AUTH_CONTEXT_ID,
          authValue: authenticate,
        },
      });
      await sendCounted(transport, stats, auth3, options);
      const security = ntlm.sessionSecurity;
      if (!security) throw new AuthError("NTLM produced no session security");
      if (level === AuthLevel.privacy && !security.confidentiality) {
        throw new AuthError("The server did not agree to NTLM sealing; packet privacy is impossible", {
          code: ErrorCode.AUTH_UNSUPPORTED,
        });
      }
      protection = { security, level, contextId: AUTH_CONTEXT_ID };
    }
    publish("mailwire:rpc-http:bind", () => ({
      interface: options.interface.uuid,
      authLevel: level ?? AuthLevel.none,
    }));
    return new RpcConnection({
      transport,
      protection,
      ack,
      maxXmitFrag: Math.min(proposed, ack.maxRecvFrag),
      maxRecvFrag: proposed,
      callId: callId + 1,
      stats,
    });
  }

  /** Calls `opnum` with an NDR request stub; resolves with the response stub. One call at a time. */
  call(opnum: number, stub: Uint8Array, options: RpcCallOptions = {}): Promise<Uint8Array> {
    const run = () => this.#call(opnum, stub, options);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #call(opnum: number, stub: Uint8Array, options: RpcCallOptions): Promise<Uint8Array> {
    if (this.#failure) throw this.#failure;
    if (this.#closed)
      throw new ConnectionError("The RPC connection is closed", { code: ErrorCode.CONNECTION_CLOSED });
    throwIfAborted(options.signal);
    const callId = this.#callId++;
    this.stats.calls += 1;
    try {
      await this.#sendRequest(callId, opnum, stub, options);
      return await this.#receiveResponse(callId, options);
    } catch (error) {
      // A fault ends the call cleanly; anything else leaves the stream in an unknown place.
      if (!(error instanceof RpcFaultError)) await this.#fail(error);
      throw error;
    }
  }

  async #sendRequest(
    callId: number,
    opnum: number,
    stub: Uint8Array,
    options: RpcCallOptions,
  ): Promise<void> {
    const chunk = fragmentStubSize(this.#maxXmitFrag, this.#protection ? 16 : undefined);
    let offset = 0;
    do {
      const part = stub.subarray(offset, offset + chunk);
      const flags =
        (offset === 0 ? PfcFlag.FIRST_FRAG : 0) |
        (offset + part.length >= stub.length ? PfcFlag.LAST_FRAG : 0);
      const pdu = {
        type: PacketType.request,
        flags,
        callId,
        // alloc_hint: the stub bytes still to come, this fragment's included (C706 12.6.4.9).
        allocHint: stub.length - offset,
        contextId: CONTEXT_ID,
        opnum,
        stub: part,
      } as const;
      const bytes = this.#protection ? encodeProtectedPdu(pdu, this.#protection) : encodePdu(pdu);
      await sendCounted(this.#transport, this.stats, bytes, options);
      offset += part.length;
    } while (offset < stub.length);
  }

  async #receiveResponse(callId: number, options: RpcCallOptions): Promise<Uint8Array> {
    const assembler = new StubAssembler();
    for (;;) {
      const { bytes, pdu } = await receiveCounted(this.#transport, this.stats, this.#maxRecvFrag, options);
      if (pdu.callId !== callId) {
        throw new ProtocolError(`A PDU for call_id ${pdu.callId} arrived while call ${callId} was pending`);
      }
      if (pdu.type === PacketType.fault) {
        if (pdu.auth && this.#protection) {
          try {
            openProtectedPdu(bytes, pdu, this.#protection); // keeps the NTLM sequence in step
          } catch {
            // The fault is reported either way.
          }
        }
        if (pdu.status === FaultStatus.ERROR_ACCESS_DENIED) {
          throw new AuthError(`${options.operation ?? "RPC call"}: the server denied access (fault 0x5)`, {
            cause: new RpcFaultError(pdu.status, { operation: options.operation }),
          });
        }
        throw new RpcFaultError(pdu.status, {
          didNotExecute: (pdu.flags & PfcFlag.DID_NOT_EXECUTE) !== 0,
          operation: options.operation,
        });
      }
      if (pdu.type !== PacketType.response) {
        throw new ProtocolError(`Packet type ${pdu.type} arrived while call ${callId} was pending`);
      }
      const stub = this.#protection ? openProtectedPdu(bytes, pdu, this.#protection) : pdu.stub;
      const whole = assembler.add(pdu.flags, stub);
      if (whole) return whole;
    }
  }

  async #fail(error: unknown): Promise<void> {
    this.#failure ??=
      error instanceof MailwireError
        ? error
        : new ConnectionError("The RPC connection failed", { cause: error });
    await this.#transport.close().catch(() => undefined);
  }

  /** Closes the transport. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#transport.close();
  }
}

async function sendCounted(
  transport: PduTransport,
  stats: RpcConnectionStats,
  bytes: Uint8Array,
  options: TransportCallOptions,
): Promise<void> {
  stats.pdusSent += 1;
  stats.bytesSent += bytes.length;
  await transport.send(bytes, options);
}

async function receiveCounted(
  transport: PduTransport,
  stats: RpcConnectionStats,
  maxFragLength: number,
  options: TransportCallOptions,
): Promise<{ bytes: Uint8Array; pdu: Pdu }> {
  const bytes = await transport.receive(options);
  stats.pdusReceived += 1;
  stats.bytesReceived += bytes.length;
  return { bytes, pdu: decodePdu(bytes, maxFragLength) };
}
