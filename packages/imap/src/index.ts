// Public surface of @mailwire/imap. Names are listed explicitly (no `export *`).
export type { ImapLoginMethod } from "./auth/authenticate-imap.js";
export { type ParsedResponseText, parseResponseText } from "./codec/response-code.js";
export { formatSequenceSet, MAX_UID, parseSequenceSet } from "./codec/sequence-set.js";
export { connectImap } from "./connection/connect-imap.js";
export type {
  ImapAuth,
  ImapConnectOptions,
  ImapPasswordAuth,
  ImapTimeouts,
  ImapTlsMode,
  ImapTlsOptions,
  ImapTokenAuth,
} from "./connection/connect-options.js";
export { ImapPort } from "./connection/tls-policy.js";
export { ImapCommandError, mapImapError } from "./errors.js";
export type { AppendSource } from "./mailbox/append-source.js";
export type { BodyPart } from "./mailbox/body-part.js";
export type { FolderCounts, FolderRole, ImapFolder } from "./mailbox/folder.js";
export type { ImapAddress, ImapEnvelope, MessageSummary } from "./mailbox/message-summary.js";
export {
  type AppendOptions,
  type AppendResult,
  type FlagOperation,
  ImapSession,
  type ListFoldersOptions,
  type MessagesOptions,
  type PartDownload,
} from "./session/imap-session.js";
export type { WatchEvent } from "./watch/watch-event.js";
export { type WatchOptions, watchMailbox } from "./watch/watch-mailbox.js";
export {
  deserializeWatchState,
  type SerializedWatchState,
  serializeWatchState,
  type WatchState,
} from "./watch/watch-state.js";
