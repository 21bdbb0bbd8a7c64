import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ewsFolderId,
  ewsFolderToken,
  ewsMessageId,
  ewsMessageToken,
} from "../../src/adapters/ews/ews-ids.js";
import {
  imapFolderPath,
  imapFolderToken,
  imapMessageRef,
  imapMessageToken,
} from "../../src/adapters/imap/imap-ids.js";
import {
  mapiFolderId,
  mapiFolderToken,
  mapiMessageRef,
  mapiMessageToken,
} from "../../src/adapters/mapi/mapi-ids.js";
import { parseTransportHeaders } from "../../src/adapters/mapi/transport-headers.js";
import { parseMessage } from "../../src/adapters/shared/mime-detail.js";
import { MailboxError, MailboxErrorCode } from "../../src/errors.js";

// Ids come back from users (CLI arguments, JSON files) and header text from servers: both are
// untrusted. Decoders either return what was encoded or throw MW_INVALID_ID; nothing else.

const PRINTABLE = /^[\x21-\x7e]+$/;

function rejectsCleanly(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).code).toBe(MailboxErrorCode.INVALID_ID);
  }
}

describe("opaque ids", () => {
  it("round-trip any IMAP path and UID, as printable tokens", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "grapheme" }),
        fc.integer({ min: 1, max: 0xffffffff }),
        (path, uid) => {
          const token = imapMessageToken(path, uid);
          expect(token).toMatch(PRINTABLE);
          expect(imapMessageRef(token, "read")).toEqual({ path, uid });
          expect(imapFolderPath(imapFolderToken(path), "list")).toBe(path);
        },
      ),
    );
  });

  it("round-trip EWS ids and MAPI FID/MIDs", () => {
    fc.assert(
      fc.property(
        fc.base64String({ minLength: 4 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (ews, fid, mid) => {
          expect(ewsMessageId(ewsMessageToken(ews), "read")).toEqual({ id: ews });
          expect(ewsFolderId(ewsFolderToken(ews), "list")).toEqual({ id: ews });
          const token = mapiMessageToken(fid, mid);
          expect(token).toMatch(PRINTABLE);
          expect(mapiMessageRef("mapi-http", token, "read")).toEqual({ folderId: fid, messageId: mid });
          expect(mapiFolderId("mapi-http", mapiFolderToken(fid), "list")).toBe(fid);
        },
      ),
    );
  });

  it("garbage is refused with MW_INVALID_ID, never another error", () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc
        .array(
          fc.constantFrom("im", "if", "em", "ef", "mm", "mf", ".", "AAAA", "0", "ffffffffffffffff", "-", "_"),
          {
            maxLength: 6,
          },
        )
        .map((parts) => parts.join(".")),
    );
    fc.assert(
      fc.property(garbage, (token) => {
        rejectsCleanly(() => imapMessageRef(token, "read"));
        rejectsCleanly(() => imapFolderPath(token, "list"));
        rejectsCleanly(() => ewsMessageId(token, "read"));
        rejectsCleanly(() => mapiMessageRef("mapi-http", token, "read"));
        rejectsCleanly(() => mapiFolderId("mapi-http", token, "list"));
      }),
      { numRuns: 1000 },
    );
  });

  it("a UID of 0 or past 32 bits is not an IMAP id", () => {
    for (const uid of ["0", "4294967296", "01", "-1", "1e3"]) {
      rejectsCleanly(() => imapMessageRef(`im.SU5CT1g.${uid}`, "read"));
      expect(() => imapMessageRef(`im.SU5CT1g.${uid}`, "read")).toThrow();
    }
  });
});

describe("untrusted message text", () => {
  it("transport headers: any text gives at most one pair per line, names without colon or break", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (text) => {
        const headers = parseTransportHeaders(text);
        expect(headers.length).toBeLessThanOrEqual(text.split("\n").length);
        for (const [name] of headers) expect(name).not.toMatch(/[:\r\n]/);
      }),
    );
    expect(parseTransportHeaders("Subject: a\r\n  folded\r\nX-Y: z\r\n\r\nBody: no")).toEqual([
      ["Subject", "a folded"],
      ["X-Y", "z"],
    ]);
  });

  it("MIME parsing of arbitrary bytes settles with a message or an error, attachments numbered in order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (bytes) => {
        const parsed = await parseMessage(bytes).catch((error: unknown) => {
          expect(error).toBeInstanceOf(Error);
          return undefined;
        });
        if (parsed)
          expect(parsed.attachments.map((a) => a.id)).toEqual(parsed.contents.map((_, i) => String(i)));
      }),
      { numRuns: 300 },
    );
  });
});
