import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meetingMessageClass, readMeetingDetails } from "../src/index.js";
import { cancellationsBody, meetingResponsesBody } from "../src/operations/meeting-responses.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { escapeXmlText, serializeXml, type XmlNode } from "../src/xml/serialize-xml.js";
import type { XmlElement } from "../src/xml/xml-element.js";

// Meeting response objects (MS-OXWSMTGS): request shapes in schema order with MessageDisposition
// always present, ItemClass mapping, and meeting messages read from untrusted markup.

type Shape = [string, Record<string, string>, string, Shape[]];
const shape = (e: XmlElement): Shape => [e.name, { ...e.attributes }, e.text.trim(), e.children.map(shape)];
const tree = (node: XmlNode) => shape(parseXml(serializeXml(node)));

describe("response object requests", () => {
  it("AcceptItem / TentativelyAcceptItem / DeclineItem: Body before ReferenceItemId, SendAndSaveCopy by default", () => {
    expect(
      tree(
        meetingResponsesBody([
          { kind: "accept", referenceItemId: { id: "R1", changeKey: "K1" } },
          {
            kind: "tentativelyAccept",
            referenceItemId: { id: "R2" },
            body: { bodyType: "Text", text: "maybe <later>" },
          },
          { kind: "decline", referenceItemId: { id: "R3" } },
        ]),
      ),
    ).toEqual([
      "CreateItem",
      { MessageDisposition: "SendAndSaveCopy" },
      "",
      [
        [
          "Items",
          {},
          "",
          [
            ["AcceptItem", {}, "", [["ReferenceItemId", { Id: "R1", ChangeKey: "K1" }, "", []]]],
            [
              "TentativelyAcceptItem",
              {},
              "",
              [
                ["Body", { BodyType: "Text" }, "maybe <later>", []],
                ["ReferenceItemId", { Id: "R2" }, "", []],
              ],
            ],
            ["DeclineItem", {}, "", [["ReferenceItemId", { Id: "R3" }, "", []]]],
          ],
        ],
      ],
    ]);
  });

  it("a proposed new time follows ReferenceItemId; one without the other is refused", () => {
    const [, , , [items]] = tree(
      meetingResponsesBody([
        {
          kind: "decline",
          referenceItemId: { id: "R" },
          proposedStart: new Date("2025-05-07T09:00:00Z"),
          proposedEnd: "2025-05-07T10:00:00Z",
        },
      ]),
    );
    expect(items?.[3][0]?.[3].map((child) => [child[0], child[2]])).toEqual([
      ["ReferenceItemId", ""],
      ["ProposedStart", "2025-05-07T09:00:00.000Z"],
      ["ProposedEnd", "2025-05-07T10:00:00Z"],
    ]);
    expect(() =>
      meetingResponsesBody([
        { kind: "decline", referenceItemId: { id: "R" }, proposedStart: "2025-05-07T09:00:00Z" },
      ]),
    ).toThrow(/both/);
  });

  it("SaveOnly and a saved-item folder are passed through", () => {
    const [name, attributes, , children] = tree(
      meetingResponsesBody([{ kind: "accept", referenceItemId: { id: "R" } }], {
        disposition: "SaveOnly",
        savedItemFolder: "drafts",
      }),
    );
    expect([name, attributes, children.map((c) => c[0])]).toEqual([
      "CreateItem",
      { MessageDisposition: "SaveOnly" },
      ["SavedItemFolderId", "Items"],
    ]);
  });

  it("CancelCalendarItem: ReferenceItemId, then NewBodyContent; never SaveOnly", () => {
    expect(
      tree(cancellationsBody([{ itemId: { id: "C" }, body: { bodyType: "HTML", text: "<p>off</p>" } }])),
    ).toEqual([
      "CreateItem",
      { MessageDisposition: "SendAndSaveCopy" },
      "",
      [
        [
          "Items",
          {},
          "",
          [
            [
              "CancelCalendarItem",
              {},
              "",
              [
                ["ReferenceItemId", { Id: "C" }, "", []],
                ["NewBodyContent", { BodyType: "HTML" }, "<p>off</p>", []],
              ],
            ],
          ],
        ],
      ],
    ]);
    expect(() => cancellationsBody([{ itemId: { id: "C" } }], { disposition: "SaveOnly" as never })).toThrow(
      /SendOnly or SendAndSaveCopy/,
    );
  });

  it("refuses empty batches, unknown kinds and missing references", () => {
    expect(() => meetingResponsesBody([])).toThrow(/at least one/);
    expect(() => meetingResponsesBody([{ kind: "maybe" as never, referenceItemId: { id: "R" } }])).toThrow(
      /unknown/,
    );
    expect(() => meetingResponsesBody([{ kind: "accept", referenceItemId: { id: "" } }])).toThrow(
      /referenceItemId/,
    );
    expect(() => cancellationsBody([])).toThrow(/at least one/);
  });
});

describe("meeting messages", () => {
  it("maps ItemClass to request, response and cancellation, case-insensitively", () => {
    expect(meetingMessageClass("IPM.Schedule.Meeting.Request")).toEqual({ type: "request" });
    expect(meetingMessageClass("ipm.schedule.meeting.resp.pos")).toEqual({
      type: "response",
      response: "accept",
    });
    expect(meetingMessageClass("IPM.Schedule.Meeting.Resp.Tent")).toEqual({
      type: "response",
      response: "tentative",
    });
    expect(meetingMessageClass("IPM.Schedule.Meeting.Resp.Neg.Custom")).toEqual({
      type: "response",
      response: "decline",
    });
    expect(meetingMessageClass("IPM.Schedule.Meeting.Canceled")).toEqual({ type: "cancellation" });
    expect(meetingMessageClass("IPM.Schedule.Meeting.Notification.Forward")).toEqual({
      type: "other",
      itemClass: "IPM.Schedule.Meeting.Notification.Forward",
    });
    expect(meetingMessageClass("IPM.Note")).toBeUndefined();
    expect(meetingMessageClass("IPM.Schedule.MeetingX")).toBeUndefined();
    expect(meetingMessageClass(undefined)).toBeUndefined();
  });

  it("reads a MeetingResponse with a proposed new time; an unknown ResponseType is dropped", () => {
    const details = readMeetingDetails(
      parseXml(
        `<t:MeetingResponse xmlns:t="urn:t"><t:ItemClass>IPM.Schedule.Meeting.Resp.Tent</t:ItemClass><t:ResponseType>Perhaps</t:ResponseType><t:UID>u1</t:UID><t:Start>2025-01-01T10:00:00Z</t:Start><t:ProposedStart>2025-01-02T10:00:00Z</t:ProposedStart><t:ProposedEnd>2025-01-02T11:00:00Z</t:ProposedEnd></t:MeetingResponse>`,
      ),
    );
    expect(details).toEqual({
      messageClass: { type: "response", response: "tentative" },
      uid: "u1",
      start: "2025-01-01T10:00:00Z",
      proposedStart: "2025-01-02T10:00:00Z",
      proposedEnd: "2025-01-02T11:00:00Z",
      requiredAttendees: [],
      optionalAttendees: [],
    });
  });

  it("property: arbitrary meeting markup never throws", () => {
    const fields = [
      "ItemClass",
      "AssociatedCalendarItemId",
      "HasBeenProcessed",
      "ResponseType",
      "Start",
      "Organizer",
      "Mailbox",
      "RequiredAttendees",
      "Attendee",
      "Recurrence",
      "RelativeMonthlyRecurrence",
      "NoEndRecurrence",
      "IsOrganizer",
    ];
    const leaf = fc.record({ name: fc.constantFrom(...fields), text: fc.string({ maxLength: 10 }) });
    const node = fc.record({
      name: fc.constantFrom(...fields),
      text: fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.constantFrom("true", "Accept", "IPM.Schedule.Meeting.Request"),
      ),
      children: fc.array(
        fc.record({
          name: leaf.map((l) => l.name),
          text: leaf.map((l) => l.text),
          children: fc.array(leaf, { maxLength: 3 }),
        }),
        { maxLength: 3 },
      ),
    });
    type Node = { name: string; text: string; children?: Node[] };
    const markup = (n: Node): string =>
      `<t:${n.name}${n.name === "AssociatedCalendarItemId" ? ' Id="i"' : ""}>${escapeXmlText(n.text)}${(n.children ?? []).map(markup).join("")}</t:${n.name}>`;
    fc.assert(
      fc.property(fc.array(node, { maxLength: 6 }), (children) => {
        const details = readMeetingDetails(
          parseXml(`<t:MeetingRequest xmlns:t="urn:t">${children.map(markup).join("")}</t:MeetingRequest>`),
        );
        expect(Array.isArray(details.requiredAttendees)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
