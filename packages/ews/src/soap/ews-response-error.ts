import { type MailwireErrorOptions, ProtocolError, ServerBusyError } from "@mailwire/core";

/**
 * A ResponseClass="Error" response message or a SOAP fault from EWS. `responseCode` is the
 * ResponseCodeType value (MS-OXWSCDATA 2.2.5.24, e.g. ErrorItemNotFound); branch on it.
 * `code` stays MW_PROTOCOL: the server answered, and said no.
 */
export class EwsResponseError extends ProtocolError {
  static override readonly kind: string = "EwsResponseError";
  readonly responseCode: string;
  readonly messageText: string | undefined;
  /** Name/value pairs from MessageXml (e.g. BackOffMilliseconds), when the server sent them. */
  readonly messageXml: Readonly<Record<string, string>>;

  constructor(
    responseCode: string,
    messageText: string | undefined,
    messageXml: Readonly<Record<string, string>> = {},
    options: MailwireErrorOptions = {},
  ) {
    super(`EWS ${responseCode}${messageText ? `: ${messageText}` : ""}`, {
      ...options,
      retryable: options.retryable ?? TRANSIENT_CODES.has(responseCode),
      details: { ...options.details, responseCode, messageText, messageXml },
    });
    this.responseCode = responseCode;
    this.messageText = messageText;
    this.messageXml = Object.freeze({ ...messageXml });
  }
}

// Codes that say "try again later" rather than "this cannot work" (MS-OXWSCDATA 2.2.5.24).
const TRANSIENT_CODES = new Set([
  "ErrorServerBusy",
  "ErrorTimeoutExpired",
  "ErrorMailboxMoveInProgress",
  "ErrorMailboxStoreUnavailable",
  "ErrorInternalServerTransientError",
  "ErrorConnectionFailed",
  "ErrorBatchProcessingStopped",
]);

/**
 * The typed error for one EWS ResponseCode. ErrorServerBusy carries its back-off hint in
 * MessageXml as `<t:Value Name="BackOffMilliseconds">` (MS-OXWSCDATA 2.2.4.x MessageXml) and
 * becomes core's ServerBusyError so callers handle EWS throttling like HTTP 503.
 */
export function ewsErrorFor(
  responseCode: string,
  messageText: string | undefined,
  messageXml: Readonly<Record<string, string>> = {},
): EwsResponseError | ServerBusyError {
  if (responseCode === "ErrorServerBusy") {
    const backOff = Number(messageXml.BackOffMilliseconds);
    return new ServerBusyError(`EWS ErrorServerBusy${messageText ? `: ${messageText}` : ""}`, {
      retryAfterMs: Number.isFinite(backOff) && backOff >= 0 ? backOff : undefined,
      details: { responseCode, messageText, messageXml },
    });
  }
  return new EwsResponseError(responseCode, messageText, messageXml);
}
