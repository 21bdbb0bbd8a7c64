// Public surface of @mailwire/pop3. Names are listed explicitly (no `export *`).
export {
  type Pop3Auth,
  Pop3AuthMethod,
  type Pop3PasswordAuth,
  type Pop3TokenAuth,
} from "./auth/pop3-auth.js";
export {
  type Pop3BufferOptions,
  type Pop3BulkBufferOptions,
  type Pop3BulkOptions,
  Pop3Client,
  type Pop3Language,
  type Pop3RetrievedBuffer,
  type Pop3RetrievedMessage,
  type Pop3SessionInfo,
} from "./client.js";
export { apopDigest, extractApopTimestamp } from "./codec/apop.js";
export {
  LEGACY_CAPABILITIES,
  type Pop3Capabilities,
  type Pop3Expire,
  parseCapabilities,
} from "./codec/capabilities.js";
export { checkMessageNumber, encodeCommandLine } from "./codec/command.js";
export { Pop3Limits } from "./codec/limits.js";
export {
  type Pop3DropListing,
  type Pop3ScanListing,
  type Pop3UniqueIdListing,
  parseDropListing,
  parseScanListing,
  parseUniqueIdListing,
} from "./codec/listing.js";
export { Pop3ResponseCode } from "./codec/response-code.js";
export {
  type Pop3DecodedReply,
  RetrReplyDecoder,
  type RetrReplyDecoderOptions,
} from "./codec/retr-reply-decoder.js";
export { hasResponseCode, type Pop3StatusLine, parseStatusLine } from "./codec/status-line.js";
export type { Pop3CallOptions, Pop3StreamOptions } from "./command-channel.js";
export type { Pop3ConnectOptions, Pop3TlsMode } from "./connect-options.js";
export { connectPop3 } from "./connect-pop3.js";
export { Pop3ChannelName } from "./diagnostics.js";
export { errorFromStatus, Pop3CommandError } from "./errors.js";
export { JsonFileSyncStore } from "./sync/json-file-sync-store.js";
export {
  LeaveOnServerSync,
  type LeaveOnServerSyncOptions,
  type SyncedMessage,
  type SyncResult,
} from "./sync/leave-on-server-sync.js";
export {
  emptySyncState,
  MemorySyncStore,
  type SyncState,
  type SyncStateStore,
  validateSyncState,
} from "./sync/sync-state.js";
