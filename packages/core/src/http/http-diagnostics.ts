import { ChannelName, publish } from "../diagnostics/channels.js";
import type { Logger } from "../diagnostics/logger.js";
import { redactHeaders } from "../diagnostics/redact.js";
import type { MailwireError } from "../errors/mailwire-error.js";
import type { HttpHeaders } from "./types.js";

/**
 * Everything the HTTP layer reports goes through here, so there is one place where
 * headers are redacted and URLs lose their user info and query (tokens travel there).
 */
export function describeTarget(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export interface HttpDiagnostics {
  request(fields: {
    method: string;
    url: URL;
    headers: Readonly<Record<string, string>>;
    connectionId: number | undefined;
  }): void;
  response(fields: {
    method: string;
    url: URL;
    statusCode: number;
    headers: HttpHeaders;
    connectionId: number | undefined;
    durationMs: number;
  }): void;
  error(fields: { method: string; url: URL; error: MailwireError; durationMs: number }): void;
  authStep(fields: { scheme: string; step: string; url: URL; connectionId?: number | undefined }): void;
}

export function createHttpDiagnostics(logger: Logger | undefined): HttpDiagnostics {
  const emit = (channel: ChannelName, message: string, build: () => Record<string, unknown>) => {
    publish(channel, build);
    if (logger) logger.debug(message, build());
  };
  return {
    request: ({ method, url, headers, connectionId }) =>
      emit(ChannelName.httpRequest, "http request", () => ({
        method,
        url: describeTarget(url),
        headers: redactHeaders(headers),
        connectionId,
      })),
    response: ({ method, url, statusCode, headers, connectionId, durationMs }) =>
      emit(ChannelName.httpResponse, "http response", () => ({
        method,
        url: describeTarget(url),
        statusCode,
        headers: redactHeaders(headers),
        connectionId,
        durationMs,
      })),
    error: ({ method, url, error, durationMs }) =>
      emit(ChannelName.httpError, "http error", () => ({
        method,
        url: describeTarget(url),
        code: error.code,
        message: error.message,
        durationMs,
      })),
    authStep: ({ scheme, step, url, connectionId }) =>
      emit(ChannelName.authStep, "auth step", () => ({
        scheme,
        step,
        url: describeTarget(url),
        connectionId,
      })),
  };
}
