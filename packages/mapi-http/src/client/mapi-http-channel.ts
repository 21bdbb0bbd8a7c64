import { randomUUID } from "node:crypto";
import {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpHeaders,
  publish,
  throwIfAborted,
} from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import { CookieJar } from "../codec/cookie-jar.js";
import { MAPI_HTTP_CONTENT_TYPE, MapiHttpResponseCode, type MetaTag } from "../codec/response-codes.js";
import { MapiHttpResponseParser } from "../codec/response-parser.js";
import { MapiHttpError } from "./mapi-http-error.js";

/** What both endpoints (mailbox and address book) share about their HTTP client. */
export interface MapiHttpChannelOptions {
  /** The endpoint URL from Autodiscover. */
  readonly url: string | URL;
  /** An HTTP client to use (and keep: the channel does not close it). */
  readonly http?: HttpClient;
  /** Options for the HTTP client the channel creates (and closes) when `http` is not given. */
  readonly httpOptions?: HttpClientOptions;
  /** X-ClientApplication (MS-OXCMAPIHTTP 2.2.3.2.1). */
  readonly clientApplication?: string;
}

/** Counters a channel keeps (the owner passes its own object so they show on its API). */
export interface MapiHttpChannelStats {
  requests: number;
  pendingKeepAlives: number;
}

/** What a request returned, with its parsed body. */
export interface MapiHttpExchange {
  readonly headers: HttpHeaders;
  readonly metaTags: readonly MetaTag[];
  readonly body: Uint8Array;
}

function header(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One MAPI/HTTP endpoint's request plumbing (MS-OXCMAPIHTTP 2.2.2, 2.2.3): POST with the
 * X-RequestType/X-RequestId/X-ClientInfo/X-ClientApplication headers, the session cookies
 * the server sets, and the PROCESSING/PENDING/DONE body read incrementally. A non-zero
 * X-ResponseCode (in the HTTP headers or after DONE) becomes a MapiHttpError carrying it;
 * what to do about it (reconnect, rebind) is the owner's business.
 */
export class MapiHttpChannel {
  readonly #url: URL;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #clientApplication: string;
  readonly #stats: MapiHttpChannelStats;
  readonly cookies = new CookieJar();
  /** One GUID per channel; X-RequestId is "{GUID}:counter" (2.2.3.2.3). */
  readonly #clientId = `{${randomUUID().toUpperCase()}}`;
  #sequence = 0;
  /** X-ServerApplication of the last response (the server's build, 2.2.3.3.6). */
  serverApplication: string | undefined;
  /** X-PendingPeriod the server announced, in milliseconds. */
  pendingPeriodMs: number | undefined;

  constructor(options: MapiHttpChannelOptions, stats: MapiHttpChannelStats) {
    this.#url = new URL(options.url);
    this.#ownsHttp = options.http === undefined;
    this.#http = options.http ?? createHttpClient(options.httpOptions ?? {});
    this.#clientApplication = options.clientApplication ?? "mailwire/0.1";
    this.#stats = stats;
  }

  async post(
    requestType: string,
    body: Uint8Array,
    options: TransportCallOptions,
  ): Promise<MapiHttpExchange> {
    throwIfAborted(options.signal);
    this.#sequence += 1;
    const requestId = `${this.#clientId}:${this.#sequence}`;
    const headers: Record<string, string> = {
      "Content-Type": MAPI_HTTP_CONTENT_TYPE,
      "X-RequestType": requestType,
      "X-RequestId": requestId,
      "X-ClientInfo": `${this.#clientId}-1`,
      "X-ClientApplication": this.#clientApplication,
    };
    const cookie = this.cookies.header();
    if (cookie !== undefined) headers.Cookie = cookie;
    this.#stats.requests += 1;
    publish("mailwire:mapi-http:request", () => ({ requestType, requestId, bytes: body.length }));
    const response = await this.#http.request({
      method: "POST",
      url: this.#url,
      headers,
      body,
      expectStatus: 200,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.cookies.store(response.headers["set-cookie"]);
    this.serverApplication = header(response.headers, "x-serverapplication") ?? this.serverApplication;
    const pending = Number(header(response.headers, "x-pendingperiod"));
    if (Number.isFinite(pending) && pending > 0) this.pendingPeriodMs = pending;
    const headerCode = Number(header(response.headers, "x-responsecode") ?? "0");
    if (headerCode !== MapiHttpResponseCode.Success) {
      await response.body.dump().catch(() => undefined);
      throw new MapiHttpError(requestType, { responseCode: headerCode });
    }
    const parser = new MapiHttpResponseParser({
      onMetaTag: (tag) => {
        if (tag === "PENDING") this.#stats.pendingKeepAlives += 1;
      },
    });
    for await (const chunk of response.body) parser.push(chunk as Uint8Array);
    const parts = parser.finish();
    // The final verdict is the X-ResponseCode after DONE (2.2.2.2).
    const finalCode = Number(parts.headers.get("x-responsecode") ?? "0");
    if (finalCode !== MapiHttpResponseCode.Success)
      throw new MapiHttpError(requestType, { responseCode: finalCode });
    publish("mailwire:mapi-http:response", () => ({ requestType, requestId, bytes: parts.body.length }));
    return { headers: response.headers, metaTags: parts.metaTags, body: parts.body };
  }

  /** Closes the HTTP client if the channel created it. */
  async close(): Promise<void> {
    if (this.#ownsHttp) await this.#http.close();
  }
}
