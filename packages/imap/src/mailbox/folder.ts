import type { ListResponse } from "imapflow";

/** The roles Outlook shows; RFC 6154 §2 special-use attributes, plus INBOX (RFC 9051 §5.1). */
export type FolderRole = "inbox" | "sent" | "drafts" | "trash" | "junk" | "archive" | "all" | "flagged";

const ROLE_BY_ATTRIBUTE: Readonly<Record<string, FolderRole>> = {
  "\\INBOX": "inbox",
  "\\SENT": "sent",
  "\\DRAFTS": "drafts",
  "\\TRASH": "trash",
  "\\JUNK": "junk",
  "\\ARCHIVE": "archive",
  "\\ALL": "all",
  "\\FLAGGED": "flagged",
};

export interface FolderCounts {
  readonly messages: number | undefined;
  readonly unseen: number | undefined;
  readonly uidNext: number | undefined;
  readonly uidValidity: bigint | undefined;
  /** RFC 7162 CONDSTORE; undefined when the server does not offer it. */
  readonly highestModseq: bigint | undefined;
}

export interface ImapFolder {
  /** Full path in Unicode (modified UTF-7 decoded, RFC 3501 §5.1.3). Pass this to other calls. */
  readonly path: string;
  readonly name: string;
  readonly delimiter: string;
  readonly parentPath: string | undefined;
  readonly role: FolderRole | undefined;
  /**
   * `server` when the server flagged it (RFC 6154 SPECIAL-USE), `name` when only the folder
   * name suggested it (imapflow's list of localized names: "Sent Items", "Archive"...).
   */
  readonly roleSource: "server" | "name" | undefined;
  /** Mailbox attributes as sent (`\HasChildren`, `\Noselect`, ...). */
  readonly attributes: readonly string[];
  readonly subscribed: boolean;
  /** False for `\Noselect`/`\NonExistent` containers (RFC 9051 §7.3.1). */
  readonly selectable: boolean;
  /** From STATUS (RFC 9051 §6.3.11), when counts were requested. */
  readonly counts: FolderCounts | undefined;
}

export function folderRole(specialUse: string | undefined): FolderRole | undefined {
  return specialUse === undefined ? undefined : ROLE_BY_ATTRIBUTE[specialUse.toUpperCase()];
}

export function toImapFolder(entry: ListResponse): ImapFolder {
  const attributes = [...entry.flags];
  const upper = new Set(attributes.map((flag) => flag.toUpperCase()));
  const role = folderRole(entry.specialUse);
  const status = entry.status as
    | {
        messages?: number;
        unseen?: number;
        uidNext?: number;
        uidValidity?: bigint | number;
        highestModseq?: bigint | number;
      }
    | undefined;
  return {
    path: entry.path,
    name: entry.name,
    delimiter: entry.delimiter,
    parentPath: entry.parentPath ? entry.parentPath : undefined,
    role,
    roleSource: role === undefined ? undefined : entry.specialUseSource === "name" ? "name" : "server",
    attributes,
    subscribed: entry.subscribed,
    selectable: !upper.has("\\NOSELECT") && !upper.has("\\NONEXISTENT"),
    counts:
      status === undefined
        ? undefined
        : {
            messages: status.messages,
            unseen: status.unseen,
            uidNext: status.uidNext,
            uidValidity: toBigInt(status.uidValidity),
            highestModseq: toBigInt(status.highestModseq),
          },
  };
}

function toBigInt(value: bigint | number | undefined): bigint | undefined {
  return value === undefined ? undefined : BigInt(value);
}
