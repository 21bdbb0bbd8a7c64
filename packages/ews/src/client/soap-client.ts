import {
  backoffDelay,
  type CallOptions,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  InvalidArgumentError,
  isMailwireError,
  ProtocolError,
  publish,
  ServerBusyError,
  sleep,
} from "@mailwire/core";
import { EwsLimits, type EwsLimitsShape } from "../limits.js";
import { buildEnvelope, type Impersonation } from "../soap/envelope.js";
import { EwsResponseError } from "../soap/ews-response-error.js";
import { readSoapResponse, type SoapResponse } from "../soap/parse-response.js";
import {
  type ExchangeVersion,
  negotiateVersion,
  olderVersion,
  type ServerVersionInfo,
} from "../soap/server-version.js";
import { parseXml } from "../xml/parse-xml.js";
import { rawXml, type XmlNode } from "../xml/serialize-xml.js";
import { readBounded } from "./read-bounded.js";
import { Semaphore } from "./semaphore.js";

export interface EwsClientOptions {
  /** The EWS endpoint, e.g. "https://mail.contoso.com/EWS/Exchange.asmx" (from Autodiscover). */
  url: string | URL;
  /** An HTTP client from @mailwire/core; when left out one is created from the options below (and closed with this client). */
  http?: HttpClient | undefined;
  credentials?: HttpClientOptions["credentials"];
  tls?: HttpClientOptions["tls"];
  timeouts?: HttpClientOptions["timeouts"];
  /**
   * The HTTP implementation of the created HTTP client (see @mailwire/core's HttpEngine).
   * Default `"node"`: an EWS client sends a moderate number of large requests, where node:http
   * peaks 16-21 MiB lower than undici in the package's benchmark (whose WebAssembly parser V8
   * compiles a second time once it is hot), with less CPU; docs/decisions/0003-http-engine.md.
   */
  engine?: HttpClientOptions["engine"];
  /** A proxy URL for the created HTTP client, or `false` for none; left out: HTTPS_PROXY/NO_PROXY decide. */
  proxy?: HttpClientOptions["proxy"];
  /** HTTP-level retry policy (503/429 + Retry-After) of the created HTTP client. */
  retry?: HttpClientOptions["retry"];
  allowInsecureAuth?: boolean | undefined;
  /** Receives the HTTP client's redacted diagnostics (only when the HTTP client is created here). */
  logger?: HttpClientOptions["logger"];
  /** The schema to ask for first (default Exchange2013_SP1); lowered to what the server speaks. */
  version?: ExchangeVersion | undefined;
  impersonation?: Impersonation | undefined;
  /** Windows time zone id sent in TimeZoneContext. */
  timeZoneId?: string | undefined;
  /**
   * X-AnchorMailbox: routes the request to the mailbox's server (required for impersonation in
   * Exchange Online). Defaults to the impersonated SMTP address when there is one.
   */
  anchorMailbox?: string | undefined;
  /**
   * Sends X-PreferServerAffinity and replays the X-BackEndOverrideCookie the server returns, so
   * subscriptions and their GetEvents/GetStreamingEvents reach the same back end.
   */
  preferServerAffinity?: boolean | undefined;
  /** ErrorServerBusy handling for idempotent operations. */
  serverBusy?:
    | {
        /** Attempts in total (default 3). */
        maxAttempts?: number | undefined;
        /** Longest BackOffMilliseconds we wait for; longer hints give up at once (default 60 s). */
        maxBackOffMs?: number | undefined;
        /** Injectable for tests. */
        sleep?: ((ms: number, signal: AbortSignal | undefined) => Promise<void>) | undefined;
      }
    | undefined;
  /** Concurrent requests to this mailbox (default 27, Exchange Online's EWSMaxConcurrency). */
  maxConcurrency?: number | undefined;
  limits?: Partial<EwsLimitsShape> | undefined;
}

/**
 * A request whose one base64 element is written as it is produced (UploadItems, CreateAttachment
 * from a stream): `node` holds `PAYLOAD_SLOT` where the text goes. Such a request can be sent
 * only once, so it is never retried.
 */
export interface StreamedRequest {
  node: XmlNode;
  payload: AsyncIterable<string>;
}

/** Marks where a StreamedRequest's payload goes; a comment, so it can never collide with escaped text. */
export const PAYLOAD_SLOT = rawXml("<!--mailwire:payload-->");
const PAYLOAD_MARK = "<!--mailwire:payload-->";

function isStreamed(body: XmlNode | string | StreamedRequest): body is StreamedRequest {
  return typeof body === "object" && "payload" in body;
}

async function* streamedEnvelope(envelope: string, payload: AsyncIterable<string>): AsyncGenerator<string> {
  const at = envelope.indexOf(PAYLOAD_MARK);
  yield envelope.slice(0, at);
  for await (const text of payload) if (text.length > 0) yield text;
  yield envelope.slice(at + PAYLOAD_MARK.length);
}

export interface SoapCallOptions extends CallOptions {
  /** Safe to send again (reads): lets 503 and ErrorServerBusy be retried. */
  idempotent?: boolean | undefined;
}

/** The SOAP transport under every operation: envelope, headers, negotiation, back-off, parsing. */
export class SoapClient {
  readonly url: URL;
  readonly limits: EwsLimitsShape;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #options: EwsClientOptions;
  readonly #requested: ExchangeVersion;
  readonly #semaphore: Semaphore;
  #version: ExchangeVersion;
  #serverVersion: ServerVersionInfo | undefined;
  #backEndCookie: string | undefined;

  constructor(options: EwsClientOptions) {
    try {
      this.url = new URL(options.url);
    } catch (error) {
      throw new InvalidArgumentError("url is not a valid absolute URL", { cause: error });
    }
    this.#options = options;
    this.limits = { ...EwsLimits, ...options.limits };
    this.#requested = options.version ?? "Exchange2013_SP1";
    this.#version = this.#requested;
    this.#semaphore = new Semaphore(options.maxConcurrency ?? 27);
    this.#ownsHttp = options.http === undefined;
    this.#http =
      options.http ??
      createHttpClient({
        engine: options.engine ?? "node",
        proxy: options.proxy,
        credentials: options.credentials,
        tls: options.tls,
        timeouts: options.timeouts,
        retry: options.retry,
        allowInsecureAuth: options.allowInsecureAuth,
        logger: options.logger,
      });
  }

  /** The schema version requests are currently sent with. */
  get version(): ExchangeVersion {
    return this.#version;
  }

  /** The last ServerVersionInfo seen. */
  get serverVersion(): ServerVersionInfo | undefined {
    return this.#serverVersion;
  }

  #headers(operation: string): Record<string, string> {
    const headers: Record<string, string> = {
      "content-type": "text/xml; charset=utf-8",
      accept: "text/xml",
      soapaction: `"http://schemas.microsoft.com/exchange/services/2006/messages/${operation}"`,
    };
    const impersonation = this.#options.impersonation;
    const anchor =
      this.#options.anchorMailbox ??
      (impersonation && "primarySmtpAddress" in impersonation
        ? impersonation.primarySmtpAddress
        : impersonation && "smtpAddress" in impersonation
          ? impersonation.smtpAddress
          : undefined);
    if (anchor !== undefined) headers["x-anchormailbox"] = anchor;
    if (this.#options.preferServerAffinity) {
      headers["x-preferserveraffinity"] = "true";
      if (this.#backEndCookie !== undefined)
        headers.cookie = `X-BackEndOverrideCookie=${this.#backEndCookie}`;
    }
    return headers;
  }

  #rememberAffinity(response: HttpResponse): void {
    const setCookie = response.headers["set-cookie"];
    for (const cookie of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const match = /^X-BackEndOverrideCookie=([^;]*)/i.exec(cookie);
      if (match?.[1] !== undefined) this.#backEndCookie = match[1];
    }
  }

  /** Sends one envelope and returns the raw HTTP response (status 200 or 500: SOAP faults use 500). */
  async post(
    operation: string,
    body: XmlNode | string | StreamedRequest,
    options: SoapCallOptions = {},
  ): Promise<HttpResponse> {
    const envelope = buildEnvelope(isStreamed(body) ? body.node : body, {
      version: this.#version,
      impersonation: this.#options.impersonation,
      timeZoneId: this.#options.timeZoneId,
    });
    const response = await this.#http.request({
      method: "POST",
      url: this.url,
      headers: this.#headers(operation),
      body: isStreamed(body) ? streamedEnvelope(envelope, body.payload) : envelope,
      idempotent: isStreamed(body) ? false : (options.idempotent ?? false),
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      expectStatus: [200, 500],
    });
    this.#rememberAffinity(response);
    return response;
  }

  /** Learns the server's version from a parsed response. */
  observe(response: SoapResponse): void {
    if (response.serverVersion === undefined) return;
    this.#serverVersion = response.serverVersion;
    this.#version = negotiateVersion(this.#version, response.serverVersion);
  }

  /**
   * One operation: sends it, parses the reply, adapts the version on ErrorInvalidServerVersion,
   * waits out ErrorServerBusy for idempotent requests, and returns the operation's response element.
   */
  async call(
    operation: string,
    body: XmlNode | string,
    options: SoapCallOptions = {},
  ): Promise<SoapResponse> {
    return this.recover(operation, options, () => this.send(operation, body, options));
  }

  /**
   * Runs `attempt` under the session's recovery rules: a lower schema version after
   * ErrorInvalidServerVersion, and for idempotent work the server's back-off after ErrorServerBusy.
   * Streamed downloads use it directly (their attempt ends once the payload starts flowing).
   */
  async recover<T>(operation: string, options: SoapCallOptions, attemptOnce: () => Promise<T>): Promise<T> {
    const busy = this.#options.serverBusy ?? {};
    const maxAttempts = Math.max(1, busy.maxAttempts ?? 3);
    const maxBackOffMs = busy.maxBackOffMs ?? 60_000;
    const wait = busy.sleep ?? sleep;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const response = await attemptOnce();
        publish("mailwire:ews:request", () => ({
          operation,
          version: this.#version,
          attempt,
          durationMs: Date.now() - started,
        }));
        return response;
      } catch (error) {
        const responseCode = isMailwireError(error) ? error.details.responseCode : undefined;
        publish("mailwire:ews:error", () => ({
          operation,
          attempt,
          responseCode,
          code: isMailwireError(error) ? error.code : undefined,
        }));
        if (
          error instanceof EwsResponseError &&
          (responseCode === "ErrorInvalidServerVersion" ||
            responseCode === "ErrorInvalidSchemaVersionForMailboxVersion")
        ) {
          const older = olderVersion(this.#version);
          if (older === undefined || attempt >= ExchangeVersionAttempts) throw error;
          this.#version = older;
          continue;
        }
        if (error instanceof ServerBusyError && responseCode === "ErrorServerBusy") {
          const delayMs =
            error.retryAfterMs ??
            backoffDelay(attempt, { baseDelayMs: 500, maxDelayMs: 8_000, random: Math.random });
          if (!options.idempotent || attempt >= maxAttempts || delayMs > maxBackOffMs) throw error;
          publish("mailwire:ews:backoff", () => ({ operation, attempt, delayMs }));
          await wait(delayMs, options.signal);
          continue;
        }
        throw error;
      }
    }
  }

  /** One attempt, without recovery: what a StreamedRequest (sendable once) goes through. */
  async send(
    operation: string,
    body: XmlNode | string | StreamedRequest,
    options: SoapCallOptions = {},
  ): Promise<SoapResponse> {
    const release = await this.#semaphore.acquire(options.signal);
    try {
      return await this.readResponse(await this.post(operation, body, options));
    } finally {
      release();
    }
  }

  /**
   * Reads and parses a whole response (bounded by maxResponseBytes), learns the server version
   * from it, and turns a SOAP fault into its typed error and any other non-200 into a
   * ProtocolError carrying the status.
   */
  async readResponse(response: HttpResponse): Promise<SoapResponse> {
    const text = await readBounded(response.body, this.limits.maxResponseBytes);
    let parsed: SoapResponse;
    try {
      parsed = readSoapResponse(parseXml(text, this.limits));
    } catch (error) {
      // A 500 that is not a SOAP fault (an IIS or proxy error page) says more by its status than by its bytes.
      const fault = error instanceof EwsResponseError || error instanceof ServerBusyError;
      if (response.statusCode === 200 || fault || !isMailwireError(error)) throw error;
      if (error.code === "MW_LIMIT_EXCEEDED") throw error;
      throw new ProtocolError(`EWS answered HTTP ${response.statusCode} without a SOAP fault`, {
        cause: error,
        details: { statusCode: response.statusCode },
      });
    }
    this.observe(parsed);
    if (response.statusCode !== 200) {
      throw new ProtocolError(`EWS answered HTTP ${response.statusCode} without a SOAP fault`, {
        details: { statusCode: response.statusCode },
      });
    }
    return parsed;
  }

  /** A slot of the concurrency limit, for streamed downloads that hold it until the body ends. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return this.#semaphore.acquire(signal);
  }

  async close(): Promise<void> {
    if (this.#ownsHttp) await this.#http.close();
  }
}

/** How many older schemas we try after ErrorInvalidServerVersion before giving up. */
const ExchangeVersionAttempts = 4;
