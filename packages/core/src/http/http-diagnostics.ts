import { channel } from "node:diagnostics_channel";
import { debuglog } from "node:util";
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
  /**
   * True when a logger is set, NODE_DEBUG=mailwire is on, or someone subscribed to the
   * request, response or error channel. The transport asks first, so that without a listener it gathers nothing
   * (no timestamps, no connection lookups, no field objects) for them.
   */
  observed(): boolean;
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

// The same objects diagnostics_channel hands to subscribers; held here so asking costs a property read.
const requestChannel = channel(ChannelName.httpRequest);
const responseChannel = channel(ChannelName.httpResponse);
const errorChannel = channel(ChannelName.httpError);
// publish() also prints under NODE_DEBUG=mailwire; the same switch counts as a listener.
const nodeDebug = debuglog("mailwire");

export function createHttpDiagnostics(logger: Logger | undefined): HttpDiagnostics {
  const emit = (name: ChannelName, message: string, build: () => Record<string, unknown>) => {
    if (!logger) return publish(name, build);
    let built: Record<string, unknown> | undefined;
    const buildOnce = () => {
      built ??= build();
      return built;
    };
    publish(name, buildOnce);
    logger.debug(message, buildOnce());
  };
  return {
    observed: () =>
      logger !== undefined ||
      nodeDebug.enabled ||
      requestChannel.hasSubscribers ||
      responseChannel.hasSubscribers ||
      errorChannel.hasSubscribers,
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
