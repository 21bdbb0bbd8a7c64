import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  encodeModifiedUtf7,
  mailboxName,
  maildirFlags,
  maildirFolderDirectory,
  specialUseAttribute,
  writeMaildir,
} from "../src/maildir.js";

describe("modified UTF-7 (RFC 3501 section 5.1.3)", () => {
  it("encodes the RFC's example and keeps printable ASCII", () => {
    expect(encodeModifiedUtf7("~peter/mail/台北/日本語")).toBe("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    expect(encodeModifiedUtf7("Sent Items")).toBe("Sent Items");
    expect(encodeModifiedUtf7("Tom & Jerry")).toBe("Tom &- Jerry");
    expect(encodeModifiedUtf7("Kundenprojekte – Übersicht")).toBe("Kundenprojekte &IBM- &ANw-bersicht");
  });
});

describe("folder names", () => {
  it("maps fixture paths to IMAP names and Maildir++ directories", () => {
    expect(mailboxName(["Inbox"])).toBe("INBOX");
    expect(mailboxName(["inbox", "Projects", "Alpha"])).toBe("INBOX/Projects/Alpha");
    expect(mailboxName(["Sent Items"])).toBe("Sent Items");
    expect(maildirFolderDirectory(["Inbox"])).toBe("");
    expect(maildirFolderDirectory(["Inbox", "Projects"])).toBe(".INBOX.Projects");
    expect(maildirFolderDirectory(["Archive", "2024"])).toBe(".Archive.2024");
    expect(maildirFolderDirectory(["東京"])).toBe(".&Z3FOrA-");
  });

  it("rejects names Maildir++ cannot store", () => {
    expect(() => mailboxName(["Mr. Smith"])).toThrow(/Maildir\+\+/);
    expect(() => mailboxName(["a/b"])).toThrow(/Maildir\+\+/);
    expect(() => mailboxName([])).toThrow();
  });

  it("maps special-use roles to RFC 6154 attributes", () => {
    expect(specialUseAttribute("sent")).toBe("\\Sent");
    expect(specialUseAttribute("\\Trash")).toBe("\\Trash");
    expect(specialUseAttribute("Junk")).toBe("\\Junk");
    expect(specialUseAttribute("inbox")).toBeUndefined();
    expect(specialUseAttribute("outbox")).toBeUndefined();
    expect(() => specialUseAttribute("sentt")).toThrow(/unknown special-use/);
  });

  it("writes Maildir flags in ASCII order", () => {
    expect(maildirFlags({ seen: true, answered: true, flagged: true, draft: true, deleted: true })).toBe(
      "DFRST",
    );
    expect(maildirFlags({ seen: false })).toBe("");
    expect(maildirFlags(undefined)).toBe("");
  });
});

describe("writeMaildir", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it("writes each message into cur/ with flags, size and date, parents included", async () => {
    root = await mkdtemp(join(tmpdir(), "mailwire-maildir-test-"));
    const date = new Date("2024-03-01T10:00:00Z");
    const raw = new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n");
    const written = await writeMaildir(
      root,
      [{ path: ["Sent Items"], specialUse: "sent" }],
      [
        { folder: ["Inbox"], raw, flags: { seen: true }, date },
        { folder: ["Inbox", "Projects", "Alpha"], raw },
      ],
    );
    expect(Object.fromEntries(written.counts)).toEqual({
      INBOX: 1,
      "Sent Items": 0,
      "INBOX/Projects": 0,
      "INBOX/Projects/Alpha": 1,
    });
    const [inboxFile] = await readdir(join(root, "cur"));
    expect(inboxFile).toMatch(new RegExp(`^\\d+\\.M1P1\\.mailwire,S=${raw.byteLength}:2,S$`));
    expect((await stat(join(root, "cur", inboxFile!))).mtime.getTime()).toBe(date.getTime());
    expect(await readdir(join(root, ".INBOX.Projects.Alpha", "cur"))).toHaveLength(1);
    expect(await readdir(join(root, ".INBOX.Projects"))).toEqual(
      expect.arrayContaining(["cur", "new", "tmp", "maildirfolder"]),
    );
    expect(await readdir(join(root, ".Sent Items", "cur"))).toEqual([]);
  });
});
