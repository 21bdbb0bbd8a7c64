import { deadline, throwIfAborted } from "../abort/abort.js";
import { ClosedError, InvalidArgumentError } from "../errors/error-classes.js";
import { retryInterceptor } from "../retry/retry-interceptor.js";
import { authInterceptor } from "./auth/auth-interceptor.js";
import { defaultProviders } from "./auth/default-providers.js";
import { createTransport } from "./connection/transport.js";
import { checkStatus } from "./expect-status.js";
import { createHttpDiagnostics } from "./http-diagnostics.js";
import { ParsedUrls } from "./parsed-urls.js";
import { composeInterceptors, type Interceptor } from "./pipeline.js";
import type { ConnectedInfo, HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "./types.js";

const DEFAULTS = {
  connectionsPerOrigin: 4,
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  keepAliveTimeoutMs: 30_000,
} as const;

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** The caller's onConnected, run at most once (an auth handshake or a retry connects again). */
function once(callback: (connection: ConnectedInfo) => void): (connection: ConnectedInfo) => void {
  let called = false;
  return (connection) => {
    if (called) return;
    called = true;
    try {
      callback(connection);
    } catch {
      // The caller's bug must not break the connect that is reporting to it.
    }
  };
}

/**
 * An HTTP client for one application or session: keep-alive pools per origin, TLS and
 * proxy settings, and a chain of interceptors (retry, then auth) above the transport.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const connectionsPerOrigin = options.connectionsPerOrigin ?? DEFAULTS.connectionsPerOrigin;
  const engine = options.engine ?? "undici";
  if (engine !== "undici" && engine !== "node") {
    throw new InvalidArgumentError('engine must be "undici" or "node"');
  }
  if (!Number.isInteger(connectionsPerOrigin) || connectionsPerOrigin < 1) {
    throw new InvalidArgumentError("connectionsPerOrigin must be a positive integer");
  }
  const diagnostics = createHttpDiagnostics(options.logger);
  const transport = createTransport(
    {
      engine,
      tls: options.tls ?? {},
      proxy: options.proxy,
      connectTimeoutMs: options.timeouts?.connectMs ?? DEFAULTS.connectMs,
      headersTimeoutMs: options.timeouts?.headersMs ?? DEFAULTS.headersMs,
      bodyTimeoutMs: options.timeouts?.bodyMs ?? DEFAULTS.bodyMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
    },
    connectionsPerOrigin,
    diagnostics,
  );
  const interceptors: Interceptor[] = [];
  if (options.retry !== false) interceptors.push(retryInterceptor(options.retry ?? {}));
  const providers = defaultProviders(options);
  // Without credentials there is nothing to answer a 401 with; the layer would only cost time.
  if (providers.length > 0) {
    interceptors.push(
      authInterceptor({
        providers,
        allowInsecureAuth: options.allowInsecureAuth ?? false,
        acquire: transport.acquire,
        tryAcquire: transport.tryAcquire,
        diagnostics,
      }),
    );
  }
  const send = composeInterceptors(transport.send, interceptors);
  const defaultHeaders = options.headers ?? NO_HEADERS;
  const hasDefaultHeaders = Object.keys(defaultHeaders).length > 0;
  // Merge only when both sides have headers; the chain never mutates a headers object.
  const headersFor = (own: Readonly<Record<string, string>> | undefined) =>
    own === undefined ? defaultHeaders : hasDefaultHeaders ? { ...defaultHeaders, ...own } : own;
  const urls = new ParsedUrls();
  let closed = false;

  const request = async (input: HttpRequest): Promise<HttpResponse> => {
    if (closed) throw new ClosedError("the HTTP client is closed");
    throwIfAborted(input.signal);
    const url = urls.get(input.url);
    // Only build a joined signal when there is something to join: it costs a timer and a listener.
    const limit =
      input.signal !== undefined || input.timeoutMs !== undefined
        ? deadline({ signal: input.signal, timeoutMs: input.timeoutMs, phase: "request" })
        : undefined;
    try {
      const response = await send({
        method: input.method.toUpperCase(),
        url,
        headers: headersFor(input.headers),
        body: input.body,
        idempotent: input.idempotent ?? false,
        signal: limit?.signal,
        timeouts: input.timeouts,
        onConnected: input.onConnected && once(input.onConnected),
      });
      if (input.expectStatus !== undefined)
        await checkStatus(response, input.expectStatus, input.method, url);
      if (limit) {
        if (response.body.closed) limit.dispose();
        else response.body.once("close", limit.dispose);
      }
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      limit?.dispose();
      throw error;
    }
  };

  const close = async () => {
    closed = true;
    await transport.close();
  };
  const destroy = async () => {
    closed = true;
    await transport.destroy();
  };
  return { request, close, destroy, [Symbol.asyncDispose]: close };
}
