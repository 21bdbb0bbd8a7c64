import { describe, expect, it } from "vitest";
import { messageNode } from "../src/operations/create-item.js";
import { findItemBody } from "../src/operations/find-item.js";
import { itemChangeNode } from "../src/operations/update-item.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { serializeXml, type XmlNode } from "../src/xml/serialize-xml.js";
import type { XmlElement } from "../src/xml/xml-element.js";

// Request shapes the vectors do not cover, checked as parsed trees (element order matters in
// the EWS schema, MS-OXWSSRCH/MS-OXWSCORE XSDs).

type Shape = [string, Record<string, string>, string, Shape[]];
const shape = (e: XmlElement): Shape => [e.name, { ...e.attributes }, e.text.trim(), e.children.map(shape)];
const tree = (node: XmlNode) => shape(parseXml(serializeXml(node)));

describe("FindItem", () => {
  it("orders ItemShape, view, Restriction, SortOrder, ParentFolderIds and nests the restriction", () => {
    const body = tree(
      findItemBody(
        { id: "fld-1", changeKey: "CK1" },
        {
          shape: {
            baseShape: "IdOnly",
            additionalProperties: [
              "item:Subject",
              { extended: { propertyTag: 0x1081, propertyType: "Integer" } },
            ],
          },
          restriction: {
            and: [
              {
                compare: "item:DateTimeReceived",
                operator: "isGreaterThan",
                value: new Date("2025-01-01T00:00:00Z"),
              },
              { not: { contains: "item:Subject", value: "spam <&>", mode: "Prefixed" } },
              { exists: { fieldUri: "contacts:EmailAddress", fieldIndex: "EmailAddress1" } },
            ],
          },
          sortOrder: [{ path: "item:DateTimeReceived", order: "Descending" }],
        },
        { offset: 100, pageSize: 50 },
      ),
    );
    expect(body[0]).toBe("FindItem");
    expect(body[3].map((c) => c[0])).toEqual([
      "ItemShape",
      "IndexedPageItemView",
      "Restriction",
      "SortOrder",
      "ParentFolderIds",
    ]);
    expect(body[3][1]?.[1]).toEqual({ MaxEntriesReturned: "50", Offset: "100", BasePoint: "Beginning" });
    expect(body[3][0]?.[3][1]).toEqual([
      "AdditionalProperties",
      {},
      "",
      [
        ["FieldURI", { FieldURI: "item:Subject" }, "", []],
        ["ExtendedFieldURI", { PropertyTag: "0x1081", PropertyType: "Integer" }, "", []],
      ],
    ]);
    expect(body[3][2]).toEqual([
      "Restriction",
      {},
      "",
      [
        [
          "And",
          {},
          "",
          [
            [
              "IsGreaterThan",
              {},
              "",
              [
                ["FieldURI", { FieldURI: "item:DateTimeReceived" }, "", []],
                ["FieldURIOrConstant", {}, "", [["Constant", { Value: "2025-01-01T00:00:00.000Z" }, "", []]]],
              ],
            ],
            [
              "Not",
              {},
              "",
              [
                [
                  "Contains",
                  { ContainmentMode: "Prefixed", ContainmentComparison: "IgnoreCase" },
                  "",
                  [
                    ["FieldURI", { FieldURI: "item:Subject" }, "", []],
                    ["Constant", { Value: "spam <&>" }, "", []],
                  ],
                ],
              ],
            ],
            [
              "Exists",
              {},
              "",
              [
                [
                  "IndexedFieldURI",
                  { FieldURI: "contacts:EmailAddress", FieldIndex: "EmailAddress1" },
                  "",
                  [],
                ],
              ],
            ],
          ],
        ],
      ],
    ]);
  });

  it("refuses restrictions nested without bound", () => {
    let deep: Parameters<typeof findItemBody>[1]["restriction"] = { exists: "item:Subject" };
    for (let i = 0; i < 40; i++) deep = { not: deep };
    expect(() => findItemBody("inbox", { restriction: deep })).toThrow(/nests too deeply/);
  });
});

describe("UpdateItem and CreateItem", () => {
  it("one SetItemField per property, with the item element carrying only that property", () => {
    const change = tree(
      itemChangeNode({
        itemId: { id: "A", changeKey: "B" },
        set: {
          isRead: true,
          categories: ["x", "y"],
          extended: [
            {
              property: {
                distinguishedPropertySetId: "PublicStrings",
                propertyName: "mw",
                propertyType: "String",
              },
              value: "v",
            },
          ],
        },
        delete: ["item:Importance"],
      }),
    );
    expect(change[3][0]).toEqual(["ItemId", { Id: "A", ChangeKey: "B" }, "", []]);
    const updates = change[3][1]?.[3] ?? [];
    expect(updates.map((u) => [u[0], u[3][0]?.[1]])).toEqual([
      ["SetItemField", { FieldURI: "item:Categories" }],
      ["SetItemField", { FieldURI: "message:IsRead" }],
      [
        "SetItemField",
        { DistinguishedPropertySetId: "PublicStrings", PropertyName: "mw", PropertyType: "String" },
      ],
      ["DeleteItemField", { FieldURI: "item:Importance" }],
    ]);
    expect(updates[1]?.[3][1]).toEqual(["Message", {}, "", [["IsRead", {}, "true", []]]]);
  });

  it("a message from MIME is base64 in MimeContent; fields are escaped", () => {
    const message = tree(
      messageNode({ mime: Buffer.from("Subject: hi\r\n\r\nbody"), subject: "a</t:Subject>" }),
    );
    expect(Buffer.from(message[3][0]?.[2] ?? "", "base64").toString()).toBe("Subject: hi\r\n\r\nbody");
    expect(message[3][1]).toEqual(["Subject", {}, "a</t:Subject>", []]);
  });
});
