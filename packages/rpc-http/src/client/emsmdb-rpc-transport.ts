import { createHash } from "node:crypto";
import { type NtlmCredentials, ProtocolError, publish, throwIfAborted } from "@mailwire/core";
import {
  decodeRpcHeaderExtChain,
  type EmsmdbConnectInfo,
  type EmsmdbTransport,
  encodeRpcHeaderExtChain,
  SessionResetError,
  type TransportCallOptions,
} from "@mailwire/mapi";
import { RpcFaultError } from "../dcerpc/errors.js";
import { FaultStatus } from "../dcerpc/fault-status.js";
import { DEFAULT_CLIENT_VERSION, encodeMapiVersion, type MapiVersion } from "../emsmdb/client-version.js";
import { EmsmdbError } from "../emsmdb/emsmdb-error.js";
import {
  decodeEcDoAsyncWaitExResponse,
  decodeEcDoConnectExResponse,
  decodeEcDoRpcExt2Response,
  decodeHandleAndReturn,
  encodeContextHandleStub,
  encodeEcDoAsyncWaitExRequest,
  encodeEcDoConnectExRequest,
  encodeEcDoRpcExt2Request,
} from "../emsmdb/emsmdb-stubs.js";
import {
  ASYNC_EMSMDB_INTERFACE,
  AsyncEmsmdbOpnum,
  AsyncWaitFlag,
  EMSMDB_INTERFACE,
  EmsmdbOpnum,
  MAX_AUX_OUT,
  MAX_RGB_OUT,
  RpcExt2Flag,
} from "../emsmdb/interfaces.js";
import { type ContextHandle, isNullContextHandle } from "../ndr/context-handle.js";
import type { PduTransportFactory } from "./pdu-transport-factory.js";
import { RpcConnection, type RpcConnectionStats } from "./rpc-connection.js";

export interface EmsmdbRpcTransportOptions {
  /** Opens connections to the server (ncacn_ip_tcp, or RPC over HTTP). */
  readonly connectTransport: PduTransportFactory;
  /** For RPC-level NTLM. Never logged. */
  readonly credentials: NtlmCredentials;
  /** The user's DN (Autodiscover LegacyDN) for EcDoConnectEx. */
  readonly userDn: string;
  /** RPC authentication level; default "privacy" (Exchange refuses less by default: ecNotEncrypted). */
  readonly authLevel?: "integrity" | "privacy";
  readonly codePage?: number;
  readonly lcid?: number;
  /** rgwClientVersion to announce. Default 16.0.4266.1001 (Outlook 2016). */
  readonly clientVersion?: MapiVersion;
  /** Compress and obfuscate request ROP buffers (RPC_HEADER_EXT, MS-OXCRPC 3.1.4.2.1.1). Default false. */
  readonly compressRequests?: boolean;
  /** Let the server compress/obfuscate responses. Default true: RPC has no TLS, and it saves bytes. */
  readonly allowCompressedResponses?: boolean;
  /** pcbOut of EcDoRpcExt2. Default 0x40000, the largest allowed. */
  readonly maxRopOut?: number;
  /** Proposed max_xmit_frag/max_recv_frag. */
  readonly maxFragLength?: number;
  /** After the server lost the session context, EcDoConnectEx again before reporting it (default true). */
  readonly reconnectOnReset?: boolean;
}

/**
 * EMSMDB over DCE/RPC (MS-OXCRPC) as an `EmsmdbTransport`, on any `PduTransport` carrier:
 * EcDoConnectEx, EcDoRpcExt2 (ROP buffers in RPC_HEADER_EXT), EcDoDisconnect, and
 * EcDoAsyncConnectEx + EcDoAsyncWaitEx on a second connection bound to AsyncEMSMDB (the
 * wait blocks, so it cannot share the session's connection).
 */
export class EmsmdbRpcTransport implements EmsmdbTransport {
  readonly #options: EmsmdbRpcTransportOptions;
  #connection: RpcConnection | undefined;
  #handle: ContextHandle | undefined;
  #async: { connection: RpcConnection; handle: ContextHandle } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The server's rgwServerVersion from EcDoConnectEx. */
  serverVersion: readonly number[] | undefined;
  readonly stats = { connects: 0, executes: 0, reconnects: 0 };

  constructor(options: EmsmdbRpcTransportOptions) {
    this.#options = options;
  }

  get connected(): boolean {
    return this.#handle !== undefined;
  }

  /** Counters of the session's connection (PDUs and bytes), when connected. */
  get connectionStats(): RpcConnectionStats | undefined {
    return this.#connection?.stats;
  }

  connect(options: TransportCallOptions = {}): Promise<EmsmdbConnectInfo> {
    return this.#serial(() => this.#connect(options));
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #bind(iface: typeof EMSMDB_INTERFACE, options: TransportCallOptions): Promise<RpcConnection> {
    const transport = await this.#options.connectTransport({ interface: iface }, options);
    try {
      return await RpcConnection.bind(transport, {
        interface: iface,
        auth: { credentials: this.#options.credentials, level: this.#options.authLevel ?? "privacy" },
        maxFragLength: this.#options.maxFragLength,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw error;
    }
  }

  async #connect(options: TransportCallOptions): Promise<EmsmdbConnectInfo> {
    throwIfAborted(options.signal);
    await this.#dropConnections();
    const connection = await this.#bind(EMSMDB_INTERFACE, options);
    this.#connection = connection;
    this.stats.connects += 1;
    const request = encodeEcDoConnectExRequest({
      userDn: this.#options.userDn,
      flags: 0,
      connectionModulus: connectionModulus(this.#options.userDn),
      limit: 0,
      codePage: this.#options.codePage ?? 1252,
      lcidString: this.#options.lcid ?? 1033,
      lcidSort: this.#options.lcid ?? 1033,
      icxrLink: 0xffffffff,
      canConvertCodePages: 1,
      clientVersion: encodeMapiVersion(this.#options.clientVersion ?? DEFAULT_CLIENT_VERSION),
      timeStamp: 0,
      auxIn: new Uint8Array(0),
      maxAuxOut: MAX_AUX_OUT,
    });
    const response = decodeEcDoConnectExResponse(
      await connection.call(EmsmdbOpnum.EcDoConnectEx, request, { ...options, operation: "EcDoConnectEx" }),
    );
    if (response.returnValue !== 0) {
      await this.#dropConnections();
      throw new EmsmdbError("EcDoConnectEx", response.returnValue);
    }
    if (isNullContextHandle(response.handle)) {
      await this.#dropConnections();
      throw new ProtocolError("EcDoConnectEx succeeded without a session context handle");
    }
    this.#handle = response.handle;
    this.serverVersion = response.serverVersion;
    publish("mailwire:rpc-http:connect", () => ({ serverVersion: response.serverVersion }));
    return {
      maximumPollingIntervalMs: response.pollsMaxMs,
      retryCount: response.retryCount,
      retryDelayMs: response.retryDelayMs,
      dnPrefix: response.dnPrefix ?? "",
      displayName: response.displayName ?? "",
    };
  }

  execute(ropBuffer: Uint8Array, options: TransportCallOptions = {}): Promise<Uint8Array> {
    return this.#serial(() => this.#execute(ropBuffer, options));
  }

  async #execute(ropBuffer: Uint8Array, options: TransportCallOptions): Promise<Uint8Array> {
    const connection = this.#connection;
    const handle = this.#handle;
    if (!connection || !handle) throw new ProtocolError("EMSMDB: no session context; call connect() first");
    const compress = this.#options.compressRequests ?? false;
    const rgbIn = encodeRpcHeaderExtChain([ropBuffer], { compress, obfuscate: compress });
    const flags =
      this.#options.allowCompressedResponses === false
        ? RpcExt2Flag.NoCompression | RpcExt2Flag.NoXorMagic
        : 0;
    const request = encodeEcDoRpcExt2Request({
      handle,
      flags,
      rgbIn,
      maxOut: Math.min(this.#options.maxRopOut ?? MAX_RGB_OUT, MAX_RGB_OUT),
      auxIn: new Uint8Array(0),
      maxAuxOut: MAX_AUX_OUT,
    });
    this.stats.executes += 1;
    let stub: Uint8Array;
    try {
      stub = await connection.call(EmsmdbOpnum.EcDoRpcExt2, request, {
        ...options,
        operation: "EcDoRpcExt2",
      });
    } catch (error) {
      if (error instanceof RpcFaultError && error.status === FaultStatus.nca_s_fault_context_mismatch) {
        return this.#sessionLost(error, options);
      }
      throw error;
    }
    const response = decodeEcDoRpcExt2Response(stub);
    this.#handle = response.handle;
    if (response.returnValue !== 0) throw new EmsmdbError("EcDoRpcExt2", response.returnValue);
    const { payloads } = decodeRpcHeaderExtChain(response.rgbOut);
    const first = payloads[0];
    if (first === undefined || payloads.length !== 1) {
      // Chained responses come only with the Chain flag, which this client never sets.
      throw new ProtocolError(`EcDoRpcExt2 returned ${payloads.length} ROP buffers; expected one`);
    }
    return first;
  }

  /**
   * The server no longer knows the session context (nca_s_fault_context_mismatch): connect
   * again unless told not to, and report SessionResetError; the batch is never resent.
   */
  async #sessionLost(cause: RpcFaultError, options: TransportCallOptions): Promise<never> {
    this.#handle = undefined;
    if (this.#options.reconnectOnReset === false) {
      await this.#dropConnections();
      throw new SessionResetError("EMSMDB: the session context is gone", { reconnected: false, cause });
    }
    try {
      this.stats.reconnects += 1;
      await this.#connect(options);
    } catch (error) {
      throw new SessionResetError("EMSMDB: the session context is gone and EcDoConnectEx failed", {
        reconnected: false,
        cause: error,
      });
    }
    throw new SessionResetError(
      "EMSMDB: the session context is gone; reconnected, the batch was not resent",
      {
        reconnected: true,
        cause,
      },
    );
  }

  disconnect(options: TransportCallOptions = {}): Promise<void> {
    return this.#serial(() => this.#disconnect(options));
  }

  async #disconnect(options: TransportCallOptions): Promise<void> {
    const connection = this.#connection;
    const handle = this.#handle;
    try {
      if (connection && handle) {
        const stub = await connection.call(EmsmdbOpnum.EcDoDisconnect, encodeContextHandleStub(handle), {
          ...options,
          operation: "EcDoDisconnect",
        });
        const { returnValue } = decodeHandleAndReturn(stub, "EcDoDisconnect");
        if (returnValue !== 0) throw new EmsmdbError("EcDoDisconnect", returnValue);
      }
    } finally {
      await this.#dropConnections();
    }
  }

  /**
   * EcDoAsyncWaitEx (MS-OXCRPC 3.3.4.1): resolves true when the server has notifications for
   * the session. The first call gets an asynchronous context handle with EcDoAsyncConnectEx
   * and binds AsyncEMSMDB on a connection of its own.
   */
  async waitForNotifications(options: TransportCallOptions = {}): Promise<boolean> {
    const wait = this.#async ?? (await this.#serial(() => this.#asyncConnect(options)));
    const stub = await wait.connection.call(
      AsyncEmsmdbOpnum.EcDoAsyncWaitEx,
      encodeEcDoAsyncWaitExRequest(wait.handle),
      {
        ...options,
        operation: "EcDoAsyncWaitEx",
      },
    );
    const { flagsOut, returnValue } = decodeEcDoAsyncWaitExResponse(stub);
    if (returnValue !== 0) throw new EmsmdbError("EcDoAsyncWaitEx", returnValue);
    return (flagsOut & AsyncWaitFlag.NotificationPending) !== 0;
  }

  async #asyncConnect(
    options: TransportCallOptions,
  ): Promise<{ connection: RpcConnection; handle: ContextHandle }> {
    if (this.#async) return this.#async;
    const connection = this.#connection;
    const handle = this.#handle;
    if (!connection || !handle) throw new ProtocolError("EMSMDB: no session context; call connect() first");
    const stub = await connection.call(EmsmdbOpnum.EcDoAsyncConnectEx, encodeContextHandleStub(handle), {
      ...options,
      operation: "EcDoAsyncConnectEx",
    });
    const { handle: asyncHandle, returnValue } = decodeHandleAndReturn(stub, "EcDoAsyncConnectEx");
    if (returnValue !== 0) throw new EmsmdbError("EcDoAsyncConnectEx", returnValue);
    const asyncConnection = await this.#bind(ASYNC_EMSMDB_INTERFACE, options);
    this.#async = { connection: asyncConnection, handle: asyncHandle };
    return this.#async;
  }

  async #dropConnections(): Promise<void> {
    const connections = [this.#connection, this.#async?.connection];
    this.#connection = undefined;
    this.#async = undefined;
    this.#handle = undefined;
    await Promise.all(connections.map((c) => c?.close().catch(() => undefined)));
  }

  /** Closes the connections without EcDoDisconnect (the server drops the context when they close). */
  async close(): Promise<void> {
    await this.#dropConnections();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** ulConMod (MS-OXCRPC 3.1.4.1): any value; a hash of the user DN keeps one user's connections together. */
function connectionModulus(userDn: string): number {
  return createHash("sha256").update(userDn.toLowerCase()).digest().readUInt32LE(0);
}
