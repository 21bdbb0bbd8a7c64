// The library surface the CLI, the demo and the tests use. Explicit names, no `export *`.
export type { AdapterOptions, SendFunction } from "./adapters/adapter-options.js";
export { EwsMailboxAdapter } from "./adapters/ews/ews-mailbox.js";
export { type EwsMailboxOptions, openEwsMailbox } from "./adapters/ews/open-ews-mailbox.js";
export { ImapMailboxAdapter } from "./adapters/imap/imap-mailbox.js";
export { type ImapMailboxOptions, openImapMailbox } from "./adapters/imap/open-imap-mailbox.js";
export { MapiMailboxAdapter, type MapiMailboxOptions } from "./adapters/mapi/mapi-mailbox.js";
export { type MapiHttpMailboxOptions, openMapiHttpMailbox } from "./adapters/mapi/open-mapi-http-mailbox.js";
export { openRpcHttpMailbox, type RpcHttpMailboxOptions } from "./adapters/mapi/open-rpc-http-mailbox.js";
export { openPop3Mailbox, type Pop3MailboxOptions } from "./adapters/pop3/open-pop3-mailbox.js";
export { type Pop3AdapterOptions, Pop3MailboxAdapter } from "./adapters/pop3/pop3-mailbox.js";
export {
  type ConnectMailboxOptions,
  type ConnectMailboxResult,
  connectMailbox,
} from "./connect/connect-mailbox.js";
export {
  type CreateMailboxOptions,
  createMailbox,
  type MailboxTlsOptions,
} from "./connect/create-mailbox.js";
export type { MailboxCredentials } from "./connect/mailbox-credentials.js";
export { endpointOf, type MailboxSettings } from "./connect/mailbox-settings.js";
export {
  type ConnectAttempt,
  ConnectFailedError,
  MailboxError,
  MailboxErrorCode,
  type MailboxErrorOptions,
  type MailboxStep,
  UnsupportedOperationError,
} from "./errors.js";
export {
  type Address,
  type AttachmentInfo,
  type CallOptions,
  type FolderInfo,
  type FolderRole,
  type ListOptions,
  type Mailbox,
  type MailboxCapabilities,
  type MailEvent,
  type MessageDetail,
  type MessageSummary,
  type OutgoingMessage,
  PROTOCOL_PREFERENCE,
  type ProtocolName,
  type SearchQuery,
  type WatchOptions,
} from "./mailbox.js";
