import { ClosedError, type HttpClient, type HttpClientOptions, ProtocolError } from "@mailwire/core";
import {
  decodeRpcHeaderExtChain,
  type EmsmdbConnectInfo,
  type EmsmdbTransport,
  encodeRpcHeaderExtChain,
  SessionResetError,
  type TransportCallOptions,
} from "@mailwire/mapi";
import { decodeConnectResponse, encodeConnectRequest } from "../codec/connect-body.js";
import { decodeExecuteResponse, ExecuteFlags, encodeExecuteRequest } from "../codec/execute-body.js";
import { MailboxRequestType, MapiHttpResponseCode } from "../codec/response-codes.js";
import {
  decodeDisconnectResponse,
  decodeNotificationWaitResponse,
  encodeDisconnectRequest,
  encodeNotificationWaitRequest,
} from "../codec/session-bodies.js";
import { MapiHttpChannel, type MapiHttpExchange } from "./mapi-http-channel.js";
import { MapiHttpError } from "./mapi-http-error.js";

export interface MapiHttpTransportOptions {
  /** The mailbox endpoint from Autodiscover, e.g. `https://mail.example.com/mapi/emsmdb/?MailboxId=...`. */
  readonly url: string | URL;
  /** The user's DN (Autodiscover LegacyDN), sent in Connect. */
  readonly userDn: string;
  /** An HTTP client to use (and keep: the transport does not close it). */
  readonly http?: HttpClient;
  /** Options for the HTTP client the transport creates (and closes) when `http` is not given. */
  readonly httpOptions?: HttpClientOptions;
  /** X-ClientApplication (MS-OXCMAPIHTTP 2.2.3.2.1). */
  readonly clientApplication?: string;
  /** Connect's code page and locales. Defaults 1252 and 1033 (en-US). */
  readonly codePage?: number;
  readonly lcid?: number;
  /** Compress and obfuscate request ROP buffers (RPC_HEADER_EXT, MS-OXCRPC 3.1.4.1.1.2). Default false. */
  readonly compressRequests?: boolean;
  /** Let the server compress/obfuscate responses. Default false (TLS already protects them). */
  readonly allowCompressedResponses?: boolean;
  /** MaxRopOut of Execute. Default 0x10008 (a 64 KiB ROP buffer plus its RPC_HEADER_EXT). */
  readonly maxRopOut?: number;
  /**
   * After X-ResponseCode 10 (session context gone), Connect again before reporting the
   * SessionResetError (default true). The failed batch is never resent.
   */
  readonly reconnectOnReset?: boolean;
}

const DEFAULT_MAX_ROP_OUT = 0x10008;

/**
 * The MAPI/HTTP mailbox endpoint (MS-OXCMAPIHTTP) as an `EmsmdbTransport`: Connect,
 * Execute, Disconnect, NotificationWait and PING over POST, with the session cookies the
 * server sets, X-RequestId sequence numbers, and chunked PROCESSING/PENDING/DONE bodies
 * read incrementally.
 */
export class MapiHttpMailboxTransport implements EmsmdbTransport {
  readonly #userDn: string;
  readonly #options: MapiHttpTransportOptions;
  /** HTTP, headers, cookies and the chunked body: shared with the address book endpoint. */
  readonly #channel: MapiHttpChannel;
  #connected = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** Counters, e.g. to check how many round trips an operation took. */
  readonly stats = { requests: 0, pendingKeepAlives: 0, reconnects: 0 };

  constructor(options: MapiHttpTransportOptions) {
    this.#userDn = options.userDn;
    this.#options = options;
    this.#channel = new MapiHttpChannel(options, this.stats);
  }

  /** X-ServerApplication of the last response (the server's build, 2.2.3.3.6). */
  get serverApplication(): string | undefined {
    return this.#channel.serverApplication;
  }

  /** X-PendingPeriod the server announced, in milliseconds. */
  get pendingPeriodMs(): number | undefined {
    return this.#channel.pendingPeriodMs;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The session's cookie by name (MapiContext, MapiSequence), for diagnostics and tests. */
  cookie(name: string): string | undefined {
    return this.#channel.cookies.get(name);
  }

  connect(options: TransportCallOptions = {}): Promise<EmsmdbConnectInfo> {
    return this.#serial(() => this.#connect(options));
  }

  /**
   * Connect, Execute and Disconnect of one session context go one at a time: each answer
   * carries the MapiSequence cookie the next request must present (MS-OXCMAPIHTTP 3.2.5.2),
   * so concurrent callers are queued rather than racing for it.
   */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #connect(options: TransportCallOptions): Promise<EmsmdbConnectInfo> {
    // A new session context: cookies of an old one would name it (3.2.5.1).
    this.#channel.cookies.clear();
    const body = encodeConnectRequest({
      userDn: this.#userDn,
      flags: 0,
      defaultCodePage: this.#options.codePage ?? 1252,
      lcidSort: this.#options.lcid ?? 1033,
      lcidString: this.#options.lcid ?? 1033,
    });
    const exchange = await this.#post(MailboxRequestType.Connect, body, options);
    const response = decodeConnectResponse(exchange.body);
    if (!("errorCode" in response) || response.errorCode !== 0) {
      throw new MapiHttpError("Connect", {
        statusCode: response.statusCode,
        ...("errorCode" in response ? { errorCode: response.errorCode } : {}),
      });
    }
    this.#connected = true;
    return {
      maximumPollingIntervalMs: response.maximumPollingInterval,
      retryCount: response.retryCount,
      retryDelayMs: response.retryDelay,
      dnPrefix: response.dnPrefix,
      displayName: response.displayName,
    };
  }

  execute(ropBuffer: Uint8Array, options: TransportCallOptions = {}): Promise<Uint8Array> {
    return this.#serial(() => this.#execute(ropBuffer, options));
  }

  async #execute(ropBuffer: Uint8Array, options: TransportCallOptions): Promise<Uint8Array> {
    // Without a session context the server could only answer MissingCookie; say so here.
    if (!this.#connected) throw new ClosedError("MAPI/HTTP: no session context; call connect() first");
    const compress = this.#options.compressRequests ?? false;
    const wrapped = encodeRpcHeaderExtChain([ropBuffer], { compress, obfuscate: compress });
    const flags = this.#options.allowCompressedResponses
      ? 0
      : ExecuteFlags.NoCompression | ExecuteFlags.NoXorMagic;
    const body = encodeExecuteRequest({
      flags,
      ropBuffer: wrapped,
      maxRopOut: this.#options.maxRopOut ?? DEFAULT_MAX_ROP_OUT,
    });
    const exchange = await this.#post(MailboxRequestType.Execute, body, options);
    const response = decodeExecuteResponse(exchange.body);
    if (!("ropBuffer" in response) || response.errorCode !== 0) {
      throw new MapiHttpError("Execute", {
        statusCode: response.statusCode,
        ...("errorCode" in response ? { errorCode: response.errorCode } : {}),
      });
    }
    const { payloads } = decodeRpcHeaderExtChain(response.ropBuffer);
    const first = payloads[0];
    if (first === undefined || payloads.length !== 1) {
      // Chained buffers come only when asked for with the Chain flag, which we never set.
      throw new ProtocolError(`Execute returned ${payloads.length} ROP buffers; expected one`);
    }
    return first;
  }

  disconnect(options: TransportCallOptions = {}): Promise<void> {
    return this.#serial(() => this.#disconnect(options));
  }

  async #disconnect(options: TransportCallOptions): Promise<void> {
    if (!this.#connected) return;
    try {
      const exchange = await this.#post(MailboxRequestType.Disconnect, encodeDisconnectRequest(), options);
      const response = decodeDisconnectResponse(exchange.body);
      if (response.statusCode !== 0 || (response.errorCode ?? 0) !== 0) {
        throw new MapiHttpError("Disconnect", {
          statusCode: response.statusCode,
          ...(response.errorCode === undefined ? {} : { errorCode: response.errorCode }),
        });
      }
    } finally {
      this.#connected = false;
      this.#channel.cookies.clear();
    }
  }

  /** Not queued behind Execute: it is a long poll that runs beside the session's other requests. */
  async waitForNotifications(options: TransportCallOptions = {}): Promise<boolean> {
    const exchange = await this.#post(
      MailboxRequestType.NotificationWait,
      encodeNotificationWaitRequest(),
      options,
    );
    const response = decodeNotificationWaitResponse(exchange.body);
    if (response.statusCode !== 0 || (response.errorCode ?? 0) !== 0) {
      throw new MapiHttpError("NotificationWait", {
        statusCode: response.statusCode,
        ...(response.errorCode === undefined ? {} : { errorCode: response.errorCode }),
      });
    }
    return (response.eventPending ?? 0) !== 0;
  }

  /** PING (2.2.6.3): checks that the endpoint is alive without touching the session. */
  async ping(options: TransportCallOptions = {}): Promise<void> {
    await this.#post(MailboxRequestType.PING, new Uint8Array(0), options);
  }

  /** Closes the HTTP client if the transport created it. */
  async close(): Promise<void> {
    await this.#channel.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #post(
    requestType: MailboxRequestType,
    body: Uint8Array,
    options: TransportCallOptions,
  ): Promise<MapiHttpExchange> {
    try {
      return await this.#channel.post(requestType, body, options);
    } catch (error) {
      if (
        error instanceof MapiHttpError &&
        error.responseCode !== undefined &&
        error.statusCode === undefined
      ) {
        return this.#failed(requestType, error.responseCode, options);
      }
      throw error;
    }
  }

  /**
   * A non-zero X-ResponseCode. 10 means the session context is gone (3.2.5.6): connect
   * again (unless told not to) and report it; whatever was being sent is NOT resent.
   */
  async #failed(
    requestType: MailboxRequestType,
    code: number,
    options: TransportCallOptions,
  ): Promise<never> {
    if (code !== MapiHttpResponseCode.ContextNotFound || requestType === MailboxRequestType.Connect) {
      throw new MapiHttpError(requestType, { responseCode: code });
    }
    this.#connected = false;
    this.#channel.cookies.clear();
    if (this.#options.reconnectOnReset === false || requestType === MailboxRequestType.Disconnect) {
      throw new SessionResetError(`MAPI/HTTP ${requestType}: the session context expired`, {
        reconnected: false,
        responseCode: code,
      });
    }
    try {
      this.stats.reconnects += 1;
      await this.#connect(options);
    } catch (cause) {
      throw new SessionResetError(
        `MAPI/HTTP ${requestType}: the session context expired and Connect failed`,
        {
          reconnected: false,
          responseCode: code,
          cause,
        },
      );
    }
    throw new SessionResetError(
      `MAPI/HTTP ${requestType}: the session context expired; reconnected, the request was not resent`,
      {
        reconnected: true,
        responseCode: code,
      },
    );
  }
}
