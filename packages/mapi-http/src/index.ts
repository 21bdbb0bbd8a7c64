// Public surface of @mailwire/mapi-http. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export { createMapiHttpSession, type MapiHttpSessionOptions } from "./client/create-session.js";
export { MapiHttpMailboxTransport, type MapiHttpTransportOptions } from "./client/mailbox-transport.js";
export {
  MapiHttpChannel,
  type MapiHttpChannelOptions,
  type MapiHttpChannelStats,
  type MapiHttpExchange,
} from "./client/mapi-http-channel.js";
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
export {
  type AddressBookCallOptions,
  type GetMatchesOptions,
  MapiHttpAddressBook,
  type MapiHttpAddressBookOptions,
  type QueryRowsOptions,
  type ResolvedName,
} from "./nspi/address-book-client.js";
export {
  type AddressBookEntry,
  DEFAULT_ADDRESS_BOOK_COLUMNS,
  entryFromRow,
  entryFromValues,
} from "./nspi/address-book-entry.js";
export {
  type AddressBookCell,
  type AddressBookRow,
  type AddressBookTaggedValue,
  type ColumnsAndRows,
  readRow,
  readValueList,
  writeRow,
  writeValueList,
} from "./nspi/address-book-values.js";
export {
  AddressBookRequestType,
  type BindRequest,
  type BindResponse,
  type CompareMIdsRequest,
  type CompareMIdsResponse,
  type DnToMIdRequest,
  type DnToMIdResponse,
  type GetAddressBookUrlRequest,
  type GetAddressBookUrlResponse,
  type GetMailboxUrlRequest,
  type GetMailboxUrlResponse,
  type GetMatchesRequest,
  type GetMatchesResponse,
  type GetPropListRequest,
  type GetPropListResponse,
  type GetPropsRequest,
  type GetPropsResponse,
  type GetSpecialTableRequest,
  type GetSpecialTableResponse,
  type GetTemplateInfoRequest,
  type GetTemplateInfoResponse,
  NspiBodies,
  type QueryColumnsRequest,
  type QueryColumnsResponse,
  type QueryRowsRequest,
  type QueryRowsResponse,
  type ResolveNamesRequest,
  type ResolveNamesResponse,
  type SeekEntriesRequest,
  type SeekEntriesResponse,
  type UnbindRequest,
  type UnbindResponse,
  type UpdateStatRequest,
  type UpdateStatResponse,
} from "./nspi/nspi-bodies.js";
export type {
  BodyCodec,
  NspiFailureResponse,
  NspiSuccessResponse,
  RequestBody,
  ResponseBody,
} from "./nspi/nspi-body.js";
export type { NspiPropertyName } from "./nspi/nspi-fields.js";
export { NspiLimits } from "./nspi/nspi-limits.js";
