// The library surface the CLI, the demo and the tests use. Explicit names, no `export *`.
export type { AdapterOptions, SendFunction } from "./adapters/adapter-options.js";
export { EwsMailboxAdapter } from "./adapters/ews/ews-mailbox.js";
export { type EwsMailboxOptions, openEwsMailbox } from "./adapters/ews/open-ews-mailbox.js";
export { type ImapAdapterOptions, ImapMailboxAdapter } from "./adapters/imap/imap-mailbox.js";
export { type ImapMailboxOptions, openImapMailbox } from "./adapters/imap/open-imap-mailbox.js";
export { MapiMailboxAdapter, type MapiMailboxOptions } from "./adapters/mapi/mapi-mailbox.js";
export { type MapiHttpMailboxOptions, openMapiHttpMailbox } from "./adapters/mapi/open-mapi-http-mailbox.js";
export { openRpcHttpMailbox, type RpcHttpMailboxOptions } from "./adapters/mapi/open-rpc-http-mailbox.js";
export { openPop3Mailbox, type Pop3MailboxOptions } from "./adapters/pop3/open-pop3-mailbox.js";
export { type Pop3AdapterOptions, Pop3MailboxAdapter } from "./adapters/pop3/pop3-mailbox.js";
export type {
  CliEnvironment,
  ConnectAttemptView,
  DiscoveryView,
  MailboxBackend,
} from "./cli/environment.js";
// The CLI's parts, for scripts and the demo: run the CLI in-process, cached mode, link, profiles, SMTP.
export { ExitCode } from "./cli/exit-codes.js";
export { createLibraryBackend } from "./cli/library-backend.js";
export { runCli } from "./cli/run-cli.js";
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
export { type LinkMeasurement, type MeasureLinkOptions, measureLink } from "./link/measure-link.js";
export {
  isSlowLink,
  LIGHT_PREFERENCE,
  type OrderOptions,
  protocolOrder,
  SLOW_LINK_KBPS,
} from "./link/protocol-order.js";
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
export { parseCredentialSource, resolveSecret, type Secret } from "./profile/credentials.js";
export {
  type CredentialSource,
  type Profile,
  publicProfile,
  type SendReceiveSchedule,
  type ServerEndpoint,
} from "./profile/profile.js";
export { mailboxHome, ProfileStore } from "./profile/profile-store.js";
export {
  createSmtpSender,
  type SmtpSender,
  type SmtpSenderOptions,
  type SmtpSendResult,
} from "./smtp/smtp-sender.js";
export { type FolderIndex, LocalStore, type PendingChange } from "./sync/local-store.js";
export { isOfflineError } from "./sync/offline-error.js";
export {
  type SyncOptions,
  type SyncProgress,
  type SyncReport,
  syncMailbox,
} from "./sync/sync-mailbox.js";
