import {
  AuthError,
  ConnectionError,
  createHttpClient,
  ErrorCode,
  type HttpClient,
  type HttpResponse,
  isMailwireError,
} from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import type { PduFramer } from "../rts/pdu-framer.js";
import { ChannelBody } from "./channel-body.js";
import type { RpcOverHttpOptions } from "./rpc-over-http-options.js";

// The two HTTP requests of a virtual connection ([MS-RPCH] 2.1.2.1). Each channel gets its own
// HttpClient with one connection, so each authenticates (NTLM: its own handshake) and owns
// its socket for the channel's whole life.

/** [MS-RPCH] 2.2.2: the headers both channel requests carry. */
const CHANNEL_HEADERS = {
  accept: "application/rpc",
  "cache-control": "no-cache",
  pragma: "No-cache",
  "user-agent": "MSRPC",
} as const;

/** One channel's own HTTP client: one connection, no retries (a channel request is not idempotent). */
export function channelClient(options: RpcOverHttpOptions, connectMs: number): HttpClient {
  return createHttpClient({
    engine: options.engine,
    credentials: options.credentials,
    tls: options.tls,
    proxy: options.proxy,
    allowInsecureAuth: options.allowInsecureAuth,
    logger: options.logger,
    connectionsPerOrigin: 1,
    retry: false,
    timeouts: { connectMs },
  });
}

/** `https://host/rpc/rpcproxy.dll?server:port` ([MS-RPCH] 2.2.2). */
export function channelUrl(proxyUrl: string | URL, server: string, port: number): URL {
  const url = new URL(proxyUrl);
  if (!/rpcproxy\.dll$/i.test(url.pathname)) url.pathname = "/rpc/rpcproxy.dll";
  if (server.length === 0 || server.length >= 1024 || /[\s?#/]/.test(server)) {
    throw new RpcHttpError("the RPC server name is not usable in a proxy URL", { code: ErrorCode.PROTOCOL });
  }
  url.search = `?${server}:${port}`;
  return url;
}

/** A non-200 answer to a channel request as a typed error. */
export async function channelRefused(response: HttpResponse, channel: "IN" | "OUT"): Promise<Error> {
  await response.body.dump().catch(() => {});
  if (response.statusCode === 401 || response.statusCode === 403) {
    return new AuthError(`the RPC proxy refused the ${channel} channel's credentials`, {
      code: ErrorCode.AUTH_FAILED,
      details: { statusCode: response.statusCode, channel },
    });
  }
  // 503 "RPC Error: <hex>" ([MS-RPCH] 2.1.2.1.7): the proxy could not reach the server.
  return new RpcHttpError(`the RPC proxy answered the ${channel} channel with HTTP ${response.statusCode}`, {
    code: ErrorCode.PROTOCOL,
    details: { statusCode: response.statusCode, channel },
  });
}

export interface InChannel {
  readonly cookie: Uint8Array;
  readonly client: HttpClient;
  readonly body: ChannelBody;
  /** Bytes written so far (RTS PDUs included): the channel ends at its Content-Length. */
  bytesSent: number;
  /** Settles when the request ends for any reason; a retired channel's outcome is ignored. */
  readonly outcome: Promise<Error>;
  retired: boolean;
}

/** One OUT channel instance: its own connection, framer, and PDUs held until it becomes the default. */
export interface OutChannel {
  readonly cookie: Uint8Array;
  readonly client: HttpClient;
  readonly framer: PduFramer;
  /** PDUs read from a successor before the predecessor's OUT_R2/B3 was handled. */
  readonly held: Uint8Array[];
  heldBytes: number;
  /** Replaced or shut down: its reader stops quietly. */
  retired: boolean;
  /** A successor's request body, open for OUT_R1/A11 (undefined for the first OUT channel). */
  requestBody?: ChannelBody;
}

/**
 * Starts an IN channel: an RPC_IN_DATA request whose body stays open for the channel's life.
 * `first` (CONN/B1 or IN_R1/A1) is queued before the request starts.
 */
export function openInChannel(
  options: RpcOverHttpOptions,
  url: URL,
  cookie: Uint8Array,
  first: Uint8Array,
  lifetime: number,
  connectMs: number,
  signal: AbortSignal,
): InChannel {
  const client = channelClient(options, connectMs);
  const body = new ChannelBody();
  const channel: InChannel = {
    cookie,
    client,
    body,
    bytesSent: first.length,
    retired: false,
    outcome: client
      .request({
        method: "RPC_IN_DATA",
        url,
        headers: { ...CHANNEL_HEADERS, "content-length": String(lifetime) },
        body,
        signal,
        // No response is due until the body ends (about never), and silence is normal.
        timeouts: { headersMs: 0, bodyMs: 0 },
      })
      .then(
        async (response): Promise<Error> =>
          response.statusCode === 200
            ? new ConnectionError("the RPC proxy ended the IN channel", { code: ErrorCode.CONNECTION_CLOSED })
            : channelRefused(response, "IN"),
        (error: unknown): Error =>
          isMailwireError(error) ? error : new ConnectionError("the IN channel failed", { cause: error }),
      ),
  };
  // A refusal must fail the writes waiting on this body, or they would wait forever.
  void channel.outcome.then((error) => body.fail(error));
  void body.write(first).catch(() => {});
  return channel;
}

/**
 * Starts an OUT channel: RPC_OUT_DATA carrying CONN/A1 (Content-Length 76) or, for a successor,
 * a streamed body of Content-Length 120 ([MS-RPCH] 2.1.2.1.2): OUT_R1/A3 (96 bytes) now, and
 * OUT_R1/A11 (24 bytes) later if the recycling turns out to be OUT_R1 (a different outbound
 * proxy). In the OUT_R2 sequence A11 is never due, so that body stays 24 bytes short for the
 * channel's life, as the response it carries does. Resolves with the 200 response to stream.
 */
export async function openOutChannel(
  client: HttpClient,
  url: URL,
  body: Uint8Array | { readonly stream: ChannelBody; readonly contentLength: number },
  idleMs: number,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const streamed = !(body instanceof Uint8Array);
  const response = await client.request({
    method: "RPC_OUT_DATA",
    url,
    headers: streamed
      ? { ...CHANNEL_HEADERS, "content-length": String(body.contentLength) }
      : { ...CHANNEL_HEADERS },
    body: streamed ? body.stream : body,
    signal,
    // bodyMs is the OUT channel's idle limit: the proxy pings an idle channel.
    timeouts: { bodyMs: idleMs },
  });
  if (response.statusCode !== 200) throw await channelRefused(response, "OUT");
  return response;
}
