import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archiveItems } from "../src/operations/archive-item.js";
import { exportItemBody } from "../src/operations/export-upload.js";
import { availabilityBody } from "../src/operations/get-user-availability.js";
import {
  calendarItemChangeNode,
  contactChangeNode,
  taskChangeNode,
} from "../src/operations/update-pim-items.js";
import { base64Chunks } from "../src/streaming/base64-encoder.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { serializeXml, type XmlNode } from "../src/xml/serialize-xml.js";
import type { XmlElement } from "../src/xml/xml-element.js";

// Request shapes of the operations added for issue 6's remainder, as parsed trees (element order
// follows the messages/types XSDs), and the streaming base64 encoder under any chunking.

type Shape = [string, Record<string, string>, string, Shape[]];
const shape = (e: XmlElement): Shape => [e.name, { ...e.attributes }, e.text.trim(), e.children.map(shape)];
const tree = (node: XmlNode) => shape(parseXml(serializeXml(node)));
const leaf = (name: string, text: string, attributes: Record<string, string> = {}): Shape => [
  name,
  attributes,
  text,
  [],
];

describe("UpdateItem for calendar items, contacts and tasks", () => {
  it("one SetItemField per changed field, with the FieldURI and a one-field item element", () => {
    const node = calendarItemChangeNode({
      itemId: { id: "AAM=", changeKey: "CK9" },
      set: { subject: "Q2 <review>", start: new Date("2025-04-07T13:00:00Z"), location: "Room 2" },
      delete: ["calendar:Recurrence"],
    });
    expect(tree(node)).toEqual([
      "ItemChange",
      {},
      "",
      [
        ["ItemId", { Id: "AAM=", ChangeKey: "CK9" }, "", []],
        [
          "Updates",
          {},
          "",
          [
            [
              "SetItemField",
              {},
              "",
              [
                ["FieldURI", { FieldURI: "item:Subject" }, "", []],
                ["CalendarItem", {}, "", [leaf("Subject", "Q2 <review>")]],
              ],
            ],
            [
              "SetItemField",
              {},
              "",
              [
                ["FieldURI", { FieldURI: "calendar:Start" }, "", []],
                ["CalendarItem", {}, "", [leaf("Start", "2025-04-07T13:00:00.000Z")]],
              ],
            ],
            [
              "SetItemField",
              {},
              "",
              [
                ["FieldURI", { FieldURI: "calendar:Location" }, "", []],
                ["CalendarItem", {}, "", [leaf("Location", "Room 2")]],
              ],
            ],
            ["DeleteItemField", {}, "", [["FieldURI", { FieldURI: "calendar:Recurrence" }, "", []]]],
          ],
        ],
      ],
    ]);
  });

  it("a recurrence is set whole (pattern and range) under calendar:Recurrence", () => {
    const node = tree(
      calendarItemChangeNode({
        itemId: { id: "A" },
        set: {
          recurrence: {
            pattern: { type: "daily", interval: 2 },
            range: { type: "numbered", startDate: "2025-04-07", numberOfOccurrences: 5 },
          },
        },
      }),
    );
    const set = node[3][1]?.[3][0];
    expect(set?.[3][0]).toEqual(["FieldURI", { FieldURI: "calendar:Recurrence" }, "", []]);
    const recurrence = set?.[3][1]?.[3][0];
    expect(recurrence?.[0]).toBe("Recurrence");
    expect(recurrence?.[3].map((child) => child[0])).toEqual(["DailyRecurrence", "NumberedRecurrence"]);
  });

  it("contact addresses and phones are indexed fields", () => {
    const node = tree(
      contactChangeNode({
        itemId: { id: "C" },
        set: { jobTitle: "CTO", emailAddresses: ["a@x.test"], mobilePhone: "+1 555" },
      }),
    );
    const sets = node[3][1]?.[3] ?? [];
    expect(sets.map((s) => s[3][0])).toEqual([
      ["FieldURI", { FieldURI: "contacts:JobTitle" }, "", []],
      ["IndexedFieldURI", { FieldURI: "contacts:EmailAddress", FieldIndex: "EmailAddress1" }, "", []],
      ["IndexedFieldURI", { FieldURI: "contacts:PhoneNumber", FieldIndex: "MobilePhone" }, "", []],
    ]);
    expect(sets[1]?.[3][1]).toEqual([
      "Contact",
      {},
      "",
      [["EmailAddresses", {}, "", [leaf("Entry", "a@x.test", { Key: "EmailAddress1" })]]],
    ]);
  });

  it("task fields; an update without changes is refused", () => {
    const node = tree(
      taskChangeNode({ itemId: { id: "T" }, set: { status: "Completed", percentComplete: 100 } }),
    );
    expect((node[3][1]?.[3] ?? []).map((s) => s[3][1])).toEqual([
      ["Task", {}, "", [leaf("Status", "Completed")]],
      ["Task", {}, "", [leaf("PercentComplete", "100")]],
    ]);
    expect(() => taskChangeNode({ itemId: { id: "T" }, set: { status: undefined } })).toThrow(
      /changes nothing/,
    );
  });
});

describe("other requests", () => {
  it("ExportItems lists the ids", () => {
    expect(tree(exportItemBody([{ id: "A", changeKey: "1" }, { id: "B" }]))).toEqual([
      "ExportItems",
      {},
      "",
      [
        [
          "ItemIds",
          {},
          "",
          [
            ["ItemId", { Id: "A", ChangeKey: "1" }, "", []],
            ["ItemId", { Id: "B" }, "", []],
          ],
        ],
      ],
    ]);
  });

  it("ArchiveItem: ArchiveSourceFolderId, then ItemIds", async () => {
    let sent: XmlNode | undefined;
    const soap = {
      call: async (_operation: string, body: XmlNode) => {
        sent = body;
        throw new Error("stop");
      },
    };
    await expect(archiveItems(soap as never, [{ id: "A" }], "inbox")).rejects.toThrow("stop");
    expect(tree(sent as XmlNode)).toEqual([
      "ArchiveItem",
      {},
      "",
      [
        ["ArchiveSourceFolderId", {}, "", [["DistinguishedFolderId", { Id: "inbox" }, "", []]]],
        ["ItemIds", {}, "", [["ItemId", { Id: "A" }, "", []]]],
      ],
    ]);
  });

  it("GetUserAvailability: UTC time zone, mailboxes, window as UTC wall-clock time", () => {
    const body = tree(
      availabilityBody(["a@x.test"], {
        start: new Date("2025-05-05T08:00:00.250Z"),
        end: new Date("2025-05-05T12:00:00Z"),
        view: "FreeBusy",
      }),
    );
    expect(body[3].map((child) => child[0])).toEqual(["TimeZone", "MailboxDataArray", "FreeBusyViewOptions"]);
    expect(body[3][0]?.[3].map((child) => child[0])).toEqual(["Bias", "StandardTime", "DaylightTime"]);
    expect(body[3][1]).toEqual([
      "MailboxDataArray",
      {},
      "",
      [
        [
          "MailboxData",
          {},
          "",
          [
            ["Email", {}, "", [leaf("Address", "a@x.test")]],
            leaf("AttendeeType", "Required"),
            leaf("ExcludeConflicts", "false"),
          ],
        ],
      ],
    ]);
    expect(body[3][2]).toEqual([
      "FreeBusyViewOptions",
      {},
      "",
      [
        [
          "TimeWindow",
          {},
          "",
          [leaf("StartTime", "2025-05-05T08:00:00"), leaf("EndTime", "2025-05-05T12:00:00")],
        ],
        leaf("MergedFreeBusyIntervalInMinutes", "30"),
        leaf("RequestedView", "FreeBusy"),
      ],
    ]);
    expect(() => availabilityBody([], { start: new Date(0), end: new Date(1) })).toThrow();
    expect(() =>
      availabilityBody(["a@x.test"], { start: new Date(0), end: new Date(1), mergedIntervalMinutes: 2 }),
    ).toThrow();
  });
});

describe("base64Chunks", () => {
  it("any chunking of any bytes encodes to exactly Buffer's base64", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(50), { maxLength: 10 }),
        async (bytes, cuts) => {
          const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
          const parts: Uint8Array[] = [];
          let at = 0;
          for (const point of [...points, bytes.length]) {
            parts.push(bytes.subarray(at, point));
            at = point;
          }
          const source = (async function* () {
            yield* parts;
          })();
          let text = "";
          for await (const piece of base64Chunks(source)) text += piece;
          expect(text).toBe(Buffer.from(bytes).toString("base64"));
        },
      ),
    );
  });

  it("refuses strings in a byte stream (no encoding is assumed)", async () => {
    const source = (async function* () {
      yield "text";
    })();
    await expect(base64Chunks(source).next()).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });
});
