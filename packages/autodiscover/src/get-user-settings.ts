import {
  type AuthProvider,
  type CallOptions,
  createHttpClient,
  deadline,
  type HttpClient,
  type HttpClientOptions,
  type HttpCredentials,
  InvalidArgumentError,
  ProtocolError,
  RedirectRefusedError,
  throwIfAborted,
} from "@mailwire/core";
import { AutodiscoverLimits } from "./codec/limits.js";
import { settingsFromSoap } from "./codec/settings-from-soap.js";
import {
  buildGetUserSettingsRequest,
  GET_USER_SETTINGS_ACTION,
  parseGetUserSettingsResponse,
  type UserResponse,
} from "./codec/soap-get-user-settings.js";
import { guardedProviders } from "./discovery/auth-guard.js";
import { readBodyLimited } from "./discovery/read-body.js";
import { unexpectedStatus } from "./methods/http-errors.js";
import type { ExchangeSettings } from "./settings.js";

export interface GetUserSettingsOptions extends CallOptions {
  credentials?: HttpCredentials | undefined;
  authProviders?: readonly AuthProvider[] | undefined;
  /** As in discover(): "no-downgrade" (default), "never" or "always". */
  basicAuth?: "never" | "no-downgrade" | "always" | undefined;
  /** Setting names to ask for (default DEFAULT_USER_SETTINGS). */
  settings?: readonly string[] | undefined;
  http?: Omit<HttpClientOptions, "credentials" | "authProviders" | "allowInsecureAuth"> | undefined;
  createHttpClient?: ((options: HttpClientOptions) => HttpClient) | undefined;
  /** Your own authenticated client (not closed here). */
  httpClient?: HttpClient | undefined;
  /** Per request (one request per 100 mailboxes). Default 30,000 ms. */
  requestTimeoutMs?: number | undefined;
}

/** One mailbox's answer in a batch. */
export interface BatchUserSettings {
  emailAddress: string;
  /** MS-OXWSADISC 2.2.5.1: NoError, RedirectAddress, RedirectUrl, InvalidUser, ... */
  errorCode: string;
  errorMessage?: string;
  /** With RedirectAddress / RedirectUrl. */
  redirectTarget?: string;
  /** With NoError. */
  settings?: ExchangeSettings;
  /** The raw StringSettings and per-setting errors. */
  response: UserResponse;
}

/**
 * SOAP GetUserSettings for many mailboxes at once (MS-OXWSADISC 3.1.4.1), e.g. at the
 * `source.url` discover() found for one of them. Sent in batches of at most 100 (the server's
 * limit), one after another; answers come back in the order asked. The endpoint is the caller's
 * choice, so no redirect is followed here, and credentials only go over https.
 */
export async function getUserSettings(
  endpoint: string | URL,
  mailboxes: readonly string[],
  options: GetUserSettingsOptions = {},
): Promise<BatchUserSettings[]> {
  throwIfAborted(options.signal);
  const url = new URL(endpoint);
  if (url.protocol !== "https:") {
    throw new RedirectRefusedError(`credentials are only sent over https, not to ${url.origin}`, {
      details: { url: url.href, reason: "not-https" },
    });
  }
  if (mailboxes.length === 0) throw new InvalidArgumentError("getUserSettings needs at least one mailbox");
  const limit = deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "getUserSettings" });
  const owned = options.httpClient === undefined;
  const client =
    options.httpClient ??
    (options.createHttpClient ?? createHttpClient)({
      retry: false,
      ...options.http,
      authProviders: guardedProviders({
        credentials: options.credentials,
        authProviders: options.authProviders,
        basicAuth: options.basicAuth ?? "no-downgrade",
      }).providers,
    });
  try {
    const results: BatchUserSettings[] = [];
    for (let start = 0; start < mailboxes.length; start += AutodiscoverLimits.maxBatchUsers) {
      const batch = mailboxes.slice(start, start + AutodiscoverLimits.maxBatchUsers);
      const response = await client.request({
        method: "POST",
        url,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: GET_USER_SETTINGS_ACTION },
        body: buildGetUserSettingsRequest({ mailboxes: batch, to: url.href, settings: options.settings }),
        signal: limit.signal,
        timeoutMs: options.requestTimeoutMs ?? 30_000,
      });
      if (response.statusCode !== 200) throw await unexpectedStatus(response, url);
      const answer = parseGetUserSettingsResponse(
        await readBodyLimited(response, AutodiscoverLimits.maxBodyBytes),
      );
      if (answer.errorCode !== "NoError") {
        throw new ProtocolError(
          `GetUserSettings failed: ${answer.errorCode} ${answer.errorMessage ?? ""}`.trim(),
          {
            details: { errorCode: answer.errorCode },
          },
        );
      }
      // MS-OXWSADISC 3.1.4.1.3: one UserResponse per Mailbox, in request order.
      if (answer.users.length !== batch.length) {
        throw new ProtocolError(
          `GetUserSettings answered ${answer.users.length} users for ${batch.length} mailboxes`,
        );
      }
      answer.users.forEach((user, index) => {
        const emailAddress = batch[index] as string;
        results.push({
          emailAddress,
          errorCode: user.errorCode,
          ...(user.errorMessage === undefined ? {} : { errorMessage: user.errorMessage }),
          ...(user.redirectTarget === undefined ? {} : { redirectTarget: user.redirectTarget }),
          ...(user.errorCode === "NoError" ? { settings: settingsFromSoap(emailAddress, user) } : {}),
          response: user,
        });
      });
    }
    return results;
  } finally {
    limit.dispose();
    if (owned) await client.close().catch(() => undefined);
  }
}
