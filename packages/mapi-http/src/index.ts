// Public surface of @mailwire/mapi-http. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export { createMapiHttpSession, type MapiHttpSessionOptions } from "./client/create-session.js";
export { MapiHttpMailboxTransport, type MapiHttpTransportOptions } from "./client/mailbox-transport.js";
export { MapiHttpError } from "./client/mapi-http-error.js";
export {
  type ConnectRequest,
  type ConnectResponse,
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from "./codec/connect-body.js";
export { CookieJar } from "./codec/cookie-jar.js";
export {
  decodeExecuteRequest,
  decodeExecuteResponse,
  ExecuteFlags,
  type ExecuteRequest,
  type ExecuteResponse,
  encodeExecuteRequest,
  encodeExecuteResponse,
} from "./codec/execute-body.js";
export { MapiHttpLimits } from "./codec/limits.js";
export {
  MAPI_HTTP_CONTENT_TYPE,
  MailboxRequestType,
  MapiHttpResponseCode,
  MetaTag,
  responseCodeName,
} from "./codec/response-codes.js";
export {
  encodeMetaTag,
  encodeResponseTail,
  MapiHttpResponseParser,
  type MapiHttpResponseParserOptions,
  type MapiHttpResponseParts,
} from "./codec/response-parser.js";
export {
  decodeDisconnectResponse,
  decodeNotificationWaitResponse,
  encodeDisconnectRequest,
  encodeDisconnectResponse,
  encodeNotificationWaitRequest,
  encodeNotificationWaitResponse,
  type StatusResponse,
} from "./codec/session-bodies.js";
