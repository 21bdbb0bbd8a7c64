import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SeedFlags, SeedFolder, SeedMessage } from "./seed.js";

/** The hierarchy separator our namespace shows to IMAP clients (Outlook-style paths). */
export const HIERARCHY_SEPARATOR = "/";

// RFC 6154 section 2 attributes, keyed by the lower-case name without the backslash.
const SPECIAL_USE = {
  all: "\\All",
  archive: "\\Archive",
  drafts: "\\Drafts",
  flagged: "\\Flagged",
  junk: "\\Junk",
  sent: "\\Sent",
  trash: "\\Trash",
} as const;

// Fixture roles that are not RFC 6154 attributes: INBOX is special by name, and IMAP has no Outbox.
const NO_ATTRIBUTE = new Set(["inbox", "outbox"]);

/**
 * `\Sent`, `Sent` or `sent` → `\Sent`; `inbox`/`outbox` → undefined; anything else is rejected so
 * that typos surface.
 */
export function specialUseAttribute(value: string): string | undefined {
  const key = value.replace(/^\\/, "").toLowerCase();
  if (NO_ATTRIBUTE.has(key)) return undefined;
  const attribute = (SPECIAL_USE as Record<string, string | undefined>)[key];
  if (attribute === undefined) throw new Error(`unknown special-use value ${JSON.stringify(value)}`);
  return attribute;
}

function isInbox(segment: string | undefined): boolean {
  return segment !== undefined && segment.toUpperCase() === "INBOX";
}

function checkPath(path: readonly string[]): void {
  if (path.length === 0) throw new Error("a folder path needs at least one segment");
  for (const segment of path) {
    // Maildir++ uses "." between levels on disk, and "/" is our IMAP separator.
    if (segment === "" || segment.includes(".") || segment.includes("/")) {
      throw new Error(
        `folder segment ${JSON.stringify(segment)} cannot be stored in Maildir++ (no ".", "/", or empty)`,
      );
    }
  }
}

/** The IMAP mailbox name of a fixture path: `["Inbox", "Projects"]` → `INBOX/Projects`. */
export function mailboxName(path: readonly string[]): string {
  checkPath(path);
  const [first, ...rest] = path;
  return [isInbox(first) ? "INBOX" : (first as string), ...rest].join(HIERARCHY_SEPARATOR);
}

/**
 * RFC 3501 section 5.1.3 modified UTF-7, which Maildir++ uses for directory names: printable ASCII
 * stays (with "&" as "&-"), everything else is UTF-16BE in base64 with "," for "/", between "&" and "-".
 */
export function encodeModifiedUtf7(name: string): string {
  let output = "";
  let pending: number[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    for (const [index, unit] of pending.entries()) bytes.writeUInt16BE(unit, index * 2);
    output += `&${bytes.toString("base64").replace(/=+$/, "").replaceAll("/", ",")}-`;
    pending = [];
  };
  for (let index = 0; index < name.length; index += 1) {
    const unit = name.charCodeAt(index);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      output += unit === 0x26 ? "&-" : name[index];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return output;
}

/**
 * The folder's directory relative to the Maildir root: INBOX is the root itself, everything else is
 * Maildir++ `.A.B` with modified UTF-7 names (`INBOX/Projects` → `.INBOX.Projects`).
 */
export function maildirFolderDirectory(path: readonly string[]): string {
  const name = mailboxName(path);
  if (name === "INBOX") return "";
  return `.${name.split(HIERARCHY_SEPARATOR).map(encodeModifiedUtf7).join(".")}`;
}

/** Maildir info flags, which must be in ASCII order (Maildir spec, "info" semantics). */
export function maildirFlags(flags: SeedFlags | undefined): string {
  let letters = "";
  if (flags?.draft) letters += "D";
  if (flags?.flagged) letters += "F";
  if (flags?.answered) letters += "R";
  if (flags?.seen) letters += "S";
  if (flags?.deleted) letters += "T";
  return letters;
}

export interface WrittenMaildir {
  /** IMAP name → number of messages, for every mailbox written (INBOX always included). */
  readonly counts: ReadonlyMap<string, number>;
}

// Base of the fake delivery timestamps in file names. Dovecot gives new files UIDs in file-name
// order (timestamp first), so a rising counter here makes UIDs follow the seed's message order.
const NAME_EPOCH = 1_500_000_000;

/**
 * Writes `folders` and `messages` as a Maildir++ tree under `root`: every message straight into
 * `cur/` with its flags in the name and its date as mtime (Dovecot's INTERNALDATE). Dovecot indexes
 * the tree on first access.
 */
export async function writeMaildir(
  root: string,
  folders: readonly SeedFolder[],
  messages: readonly SeedMessage[],
): Promise<WrittenMaildir> {
  const counts = new Map<string, number>([["INBOX", 0]]);
  const directories = new Map<string, string>([["INBOX", ""]]);
  const addFolder = (path: readonly string[]) => {
    // Parents first, so that `["Inbox", "A", "B"]` also creates `INBOX/A`.
    for (let depth = 1; depth <= path.length; depth += 1) {
      const prefix = path.slice(0, depth);
      const name = mailboxName(prefix);
      if (!directories.has(name)) {
        directories.set(name, maildirFolderDirectory(prefix));
        counts.set(name, 0);
      }
    }
  };
  for (const folder of folders) addFolder(folder.path);
  for (const message of messages) addFolder(message.folder);

  for (const directory of directories.values()) {
    for (const sub of ["cur", "new", "tmp"]) await mkdir(join(root, directory, sub), { recursive: true });
    // Dovecot marks Maildir++ subfolders with this empty file.
    if (directory !== "") await writeFile(join(root, directory, "maildirfolder"), "");
  }

  let sequence = 0;
  for (const message of messages) {
    sequence += 1;
    const name = mailboxName(message.folder);
    const directory = directories.get(name) ?? "";
    const base = `${NAME_EPOCH + sequence}.M${sequence}P1.mailwire,S=${message.raw.byteLength}`;
    const file = join(root, directory, "cur", `${base}:2,${maildirFlags(message.flags)}`);
    await writeFile(file, message.raw);
    if (message.date !== undefined) await utimes(file, message.date, message.date);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { counts };
}
