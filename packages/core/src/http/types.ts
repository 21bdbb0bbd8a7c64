import type { Readable } from "node:stream";
import type { CallOptions } from "../abort/abort.js";
import type { TokenProvider } from "../auth/token-provider.js";
import type { Logger } from "../diagnostics/logger.js";
import type { RetryOptions } from "../retry/retry-options.js";
import type { AuthProvider } from "./auth/auth-provider.js";
import type { ResponseBody } from "./body/response-body.js";

/**
 * A request body. Strings and byte arrays can be sent again (after a 401 or for a retry);
 * streams and async iterables are sent once, as they are produced, never buffered.
 */
export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

export type HttpHeaders = Record<string, string | string[] | undefined>;

/** Which statuses the caller accepts; anything else becomes an HttpStatusError. */
export type ExpectStatus = number | readonly number[] | ((statusCode: number) => boolean);

export interface HttpRequest extends CallOptions {
  method: string;
  url: string | URL;
  headers?: Readonly<Record<string, string>> | undefined;
  body?: RequestBody | undefined;
  /**
   * The caller promises that sending this request twice does no harm, which lets the retry
   * policy repeat it after a reply such as 503. Without it only failures that never
   * reached the server are retried.
   */
  idempotent?: boolean | undefined;
  expectStatus?: ExpectStatus | undefined;
  /**
   * This request's own headers/body timeouts, replacing the client's: a long poll or a
   * streaming subscription (EWS GetStreamingEvents, MAPI NotificationWait) waits longer
   * than an ordinary call should. `bodyMs: 0` disables the body timeout.
   */
  timeouts?: RequestTimeouts | undefined;
  /**
   * Called once, when the connection this request goes out on is established: TCP connected
   * and, for https, the TLS handshake and the `expectedPrincipalName` check done (through a
   * proxy: its tunnel too). A request that gets an already open keep-alive connection hears
   * it at once. Not called when no connection could be made. Lets a caller racing several
   * servers tell one that answers slowly from one it never reached. Must not throw (what it
   * throws is ignored).
   */
  onConnected?: ((connection: ConnectedInfo) => void) | undefined;
}

/** What `HttpRequest.onConnected` is told. */
export interface ConnectedInfo {
  /** Process-unique id of the connection (the `connectionId` of the diagnostics events). */
  readonly id: number;
}

/** The per-request subset of HttpTimeouts (connecting is the connection's business). */
export type RequestTimeouts = Pick<HttpTimeouts, "headersMs" | "bodyMs">;

export interface HttpResponse {
  statusCode: number;
  headers: HttpHeaders;
  /** Streams the response; consume or `dump()` it so the connection can be reused. */
  body: ResponseBody;
}

/** Password credentials (Basic, NTLM) and/or an OAuth2 token source (Bearer). */
export interface HttpCredentials {
  username?: string | undefined;
  password?: string | undefined;
  /** NTLM domain; `DOMAIN\user` in `username` works as well. */
  domain?: string | undefined;
  workstation?: string | undefined;
  /** Returns an access token; `forceRefresh` asks for a new one after the server rejected the last. */
  tokenProvider?: TokenProvider | undefined;
}

export interface HttpTlsOptions {
  /** Extra trusted roots (PEM or DER). Replaces Node's bundled list, as in node:tls. */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined;
  /** Client certificate chain and key (PEM), or a PKCS#12 bundle in `pfx`. */
  cert?: string | Uint8Array | undefined;
  key?: string | Uint8Array | undefined;
  pfx?: Uint8Array | undefined;
  passphrase?: string | undefined;
  /** Verify the server's certificate chain and host name. Default true. */
  rejectUnauthorized?: boolean | undefined;
  /** SNI and verification name when it differs from the URL's host. */
  servername?: string | undefined;
  /**
   * Outlook's "expected principal name" check (`msstd:mail.example.com`, the prefix is
   * optional): the certificate's subject CN or a DNS SAN must equal this name exactly,
   * otherwise the connection fails with MW_TLS_PRINCIPAL_MISMATCH before any request
   * (and so any credential) is written.
   */
  expectedPrincipalName?: string | undefined;
}

export interface HttpTimeouts {
  /** TCP + TLS (+ proxy CONNECT) setup. Default 10 s. */
  connectMs?: number | undefined;
  /** From the request being written to the complete response head. Default 30 s. */
  headersMs?: number | undefined;
  /** Longest silence between two body chunks. Default 30 s; 0 disables (long polls). */
  bodyMs?: number | undefined;
}

/**
 * Which HTTP/1.1 implementation sends the requests. Both give the same behaviour above the
 * socket (pools, NTLM connection binding, channel binding, proxies, timeouts, errors):
 * - `"undici"`: undici's client. Fastest for many small requests.
 * - `"node"`: node:http. Its parser is compiled into Node, where undici's is WebAssembly
 *   that V8 compiles again once it is hot (~29 MB of transient memory per process), so a
 *   process that sends fewer, larger requests peaks lower on it.
 */
export type HttpEngine = "undici" | "node";

export interface HttpClientOptions {
  /** The HTTP implementation; default `"undici"`. */
  engine?: HttpEngine | undefined;
  credentials?: HttpCredentials | undefined;
  /**
   * Extra schemes such as Negotiate/Kerberos, tried before the built-in NTLM, Bearer and
   * Basic when the server offers them.
   */
  authProviders?: readonly AuthProvider[] | undefined;
  /** Send Basic credentials over plain http://. Default false (MW_INSECURE_AUTH_REFUSED). */
  allowInsecureAuth?: boolean | undefined;
  tls?: HttpTlsOptions | undefined;
  /**
   * A proxy URL; `false` for none. When left out, HTTPS_PROXY / HTTP_PROXY / NO_PROXY
   * from the environment decide.
   */
  proxy?: string | URL | false | undefined;
  timeouts?: HttpTimeouts | undefined;
  /** Keep-alive connections per origin. Default 4. */
  connectionsPerOrigin?: number | undefined;
  /** How long an idle connection stays open when the server does not say. Default 30 s. */
  keepAliveTimeoutMs?: number | undefined;
  /** Retry policy; `false` turns retries off. */
  retry?: RetryOptions | false | undefined;
  logger?: Logger | undefined;
  /** Headers added to every request (a request's own headers win). */
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface HttpClient extends AsyncDisposable {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>;
  /** Closes every connection now; in-flight requests fail. */
  destroy(): Promise<void>;
}
