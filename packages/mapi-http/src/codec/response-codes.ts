/** X-RequestType values of the mailbox endpoint (MS-OXCMAPIHTTP 2.2.3.1.1). */
export const MailboxRequestType = {
  Connect: "Connect",
  Execute: "Execute",
  Disconnect: "Disconnect",
  NotificationWait: "NotificationWait",
  PING: "PING",
} as const;

export type MailboxRequestType = (typeof MailboxRequestType)[keyof typeof MailboxRequestType];

/** The media type of every MAPI/HTTP request and response body (MS-OXCMAPIHTTP 2.2.2.1). */
export const MAPI_HTTP_CONTENT_TYPE = "application/mapi-http";

/**
 * X-ResponseCode values (MS-OXCMAPIHTTP 2.2.3.3.3). Non-zero codes come with HTTP 200: the
 * request failed above the ROP layer.
 */
export const MapiHttpResponseCode = {
  Success: 0,
  UnknownFailure: 1,
  InvalidVerb: 2,
  InvalidPath: 3,
  InvalidHeader: 4,
  InvalidRequestType: 5,
  InvalidContextCookie: 6,
  MissingHeader: 7,
  AnonymousNotAllowed: 8,
  TooLarge: 9,
  /** The session context is gone (expired or never existed): reconnect (3.2.5.6). */
  ContextNotFound: 10,
  NoPrivilege: 11,
  InvalidRequestBody: 12,
  MissingCookie: 13,
  Reserved: 14,
  InvalidSequence: 15,
  EndpointDisabled: 16,
  InvalidResponse: 17,
  EndpointShuttingDown: 18,
} as const;

const NAMES = new Map<number, string>(
  Object.entries(MapiHttpResponseCode).map(([name, code]) => [code, name]),
);

export function responseCodeName(code: number): string {
  return NAMES.get(code) ?? `code ${code}`;
}

/** Meta-tags of a response body (MS-OXCMAPIHTTP 2.2.7). */
export const MetaTag = {
  PROCESSING: "PROCESSING",
  PENDING: "PENDING",
  DONE: "DONE",
} as const;

export type MetaTag = (typeof MetaTag)[keyof typeof MetaTag];
