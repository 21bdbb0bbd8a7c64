import { isMailwireError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFetchedAttachment } from "../src/index.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { escapeXmlText } from "../src/xml/serialize-xml.js";

// GetAttachment response messages are untrusted: whatever sits under m:Attachments is a typed
// FetchedAttachment or a MailwireError, never a crash.

const message = (inner: string) =>
  parseXml(
    `<m:GetAttachmentResponseMessage xmlns:m="urn:m" xmlns:t="urn:t" ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments>${inner}</m:Attachments></m:GetAttachmentResponseMessage>`,
  );

describe("readFetchedAttachment", () => {
  it("reads an item attachment's embedded item, typed", () => {
    const fetched = readFetchedAttachment(
      message(
        `<t:ItemAttachment><t:AttachmentId Id="a1"/><t:Name>Fwd</t:Name><t:Size>120</t:Size><t:IsInline>false</t:IsInline><t:Contact><t:ItemClass>IPM.Contact</t:ItemClass><t:DisplayName>Megan</t:DisplayName></t:Contact></t:ItemAttachment>`,
      ),
    );
    expect(fetched).toMatchObject({
      kind: "item",
      info: { attachmentId: "a1", kind: "ItemAttachment", name: "Fwd", size: 120, isInline: false },
      item: { kind: "Contact", itemClass: "IPM.Contact" },
    });
  });

  it("reads a file attachment's bytes", () => {
    const fetched = readFetchedAttachment(
      message(
        `<t:FileAttachment><t:AttachmentId Id="f"/><t:Name>x</t:Name><t:Content>aGk=</t:Content></t:FileAttachment>`,
      ),
    );
    expect(fetched.kind === "file" && Buffer.from(fetched.content).toString()).toBe("hi");
  });

  it("property: arbitrary attachment markup is a typed value or a MailwireError", () => {
    const names = [
      "FileAttachment",
      "ItemAttachment",
      "Message",
      "CalendarItem",
      "Content",
      "Name",
      "Size",
      "AttachmentId",
      "X",
    ];
    type Tree = { name: string; text: string; children: Tree[] };
    const level = (children: fc.Arbitrary<Tree[]>): fc.Arbitrary<Tree> =>
      fc.record({
        name: fc.constantFrom(...names),
        text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("aGk=", "12", "true")),
        children,
      });
    // Three levels deep: attachment, embedded item, its fields.
    const leaf = level(fc.constant([]));
    const tree = level(fc.array(level(fc.array(leaf, { maxLength: 3 })), { maxLength: 3 }));
    const markup = (t: Tree): string =>
      `<t:${t.name}${t.name === "AttachmentId" ? ' Id="i"' : ""}>${escapeXmlText(t.text)}${t.children.map(markup).join("")}</t:${t.name}>`;
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 2 }), (roots) => {
        try {
          const fetched = readFetchedAttachment(message(roots.map(markup).join("")));
          expect(["file", "item"]).toContain(fetched.kind);
        } catch (error) {
          expect(isMailwireError(error)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
