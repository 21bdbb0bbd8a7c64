// The library surface the CLI, the demo and the tests use. Explicit names, no `export *`.
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
