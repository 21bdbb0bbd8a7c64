/**
 * The shape of a mailbox to seed, structurally the same as `fixtureMailbox()` of
 * `@mailwire/fixtures`, so a fixture mailbox can be passed as is and tests can also pass their own.
 */
export interface SeedFolder {
  /** Path from the root, e.g. `["Inbox", "Projects"]`; a first segment "Inbox" (any case) is INBOX. */
  readonly path: readonly string[];
  /** `\Sent`, `Sent`, `sent`... one of Drafts, Sent, Trash, Junk, Archive, All, Flagged. */
  readonly specialUse?: string | undefined;
}

export interface SeedFlags {
  readonly seen?: boolean | undefined;
  readonly flagged?: boolean | undefined;
  readonly answered?: boolean | undefined;
  readonly draft?: boolean | undefined;
  readonly deleted?: boolean | undefined;
}

export interface SeedMessage {
  readonly id?: string | undefined;
  readonly folder: readonly string[];
  /** The whole RFC 5322 message with CRLF line ends. */
  readonly raw: Uint8Array;
  readonly flags?: SeedFlags | undefined;
  /** Becomes the IMAP INTERNALDATE (the Maildir file's mtime). */
  readonly date?: Date | undefined;
}

export interface SeedUser {
  readonly username: string;
  readonly password: string;
  readonly address?: string | undefined;
  readonly domain?: string | undefined;
}

export interface MailboxSeed {
  readonly user?: SeedUser | undefined;
  readonly folders: readonly SeedFolder[];
  readonly messages: readonly SeedMessage[];
}
