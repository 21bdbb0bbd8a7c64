import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EwsClient, readCalendarDetails } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// Relative monthly and relative/absolute yearly series (MS-OXWSCDATA RecurrenceType) written with
// CreateItem/UpdateItem, read back typed, and expanded by the sim's CalendarView.

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const day = (iso: string) => iso.slice(0, 10);

describe("relative and yearly recurrence", () => {
  it("a 'second Tuesday, every month, 4 times' series reads back typed and expands to the right days", async () => {
    const [created] = await client.createCalendarItems([
      {
        subject: "Patch Tuesday",
        start: "2025-01-14T17:00:00Z",
        end: "2025-01-14T18:00:00Z",
        recurrence: {
          pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: "Tuesday", dayOfWeekIndex: "Second" },
          range: { type: "numbered", startDate: "2025-01-14", numberOfOccurrences: 4 },
        },
      },
    ]);
    if (!created?.ok || !created.value) throw new Error("create failed");
    const details = readCalendarDetails((await client.getItem(created.value)).element);
    expect(details.recurrence).toEqual({
      pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: "Tuesday", dayOfWeekIndex: "Second" },
      range: { type: "numbered", startDate: "2025-01-14", numberOfOccurrences: 4 },
    });
    const view = await client.findCalendarView("calendar", {
      start: new Date("2025-01-01T00:00:00Z"),
      end: new Date("2025-12-31T00:00:00Z"),
    });
    const days = view.items
      .filter((item) => item.subject === "Patch Tuesday")
      .map((item) => day(readCalendarDetails(item.element).start ?? ""));
    expect(days).toEqual(["2025-01-14", "2025-02-11", "2025-03-11", "2025-04-08"]);
  });

  it("last weekday of the month every two months, and yearly patterns", async () => {
    const results = await client.createCalendarItems([
      {
        subject: "Month-end close",
        start: "2025-01-31T15:00:00Z",
        end: "2025-01-31T16:00:00Z",
        recurrence: {
          pattern: { type: "relativeMonthly", interval: 2, daysOfWeek: "Weekday", dayOfWeekIndex: "Last" },
          range: { type: "endDate", startDate: "2025-01-31", endDate: "2025-07-31" },
        },
      },
      {
        subject: "Thanksgiving",
        start: "2025-11-27T00:00:00Z",
        end: "2025-11-28T00:00:00Z",
        isAllDayEvent: true,
        recurrence: {
          pattern: {
            type: "relativeYearly",
            daysOfWeek: "Thursday",
            dayOfWeekIndex: "Fourth",
            month: "November",
          },
          range: { type: "noEnd", startDate: "2025-11-27" },
        },
      },
      {
        subject: "Anniversary",
        start: "2025-06-05T00:00:00Z",
        end: "2025-06-06T00:00:00Z",
        recurrence: {
          pattern: { type: "absoluteYearly", dayOfMonth: 5, month: "June" },
          range: { type: "numbered", startDate: "2025-06-05", numberOfOccurrences: 2 },
        },
      },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const view = await client.findCalendarView("calendar", {
      start: new Date("2025-01-01T00:00:00Z"),
      end: new Date("2028-01-01T00:00:00Z"),
    });
    const daysOf = (subject: string) =>
      view.items
        .filter((item) => item.subject === subject)
        .map((item) => day(readCalendarDetails(item.element).start ?? ""));
    // Last weekdays of Jan, Mar, May, Jul 2025.
    expect(daysOf("Month-end close")).toEqual(["2025-01-31", "2025-03-31", "2025-05-30", "2025-07-31"]);
    expect(daysOf("Thanksgiving")).toEqual(["2025-11-27", "2026-11-26", "2027-11-25"]);
    expect(daysOf("Anniversary")).toEqual(["2025-06-05", "2026-06-05"]);

    const thanksgiving = results[1];
    if (!thanksgiving?.ok || !thanksgiving.value) throw new Error("create failed");
    expect(
      readCalendarDetails((await client.getItem(thanksgiving.value)).element).recurrence?.pattern,
    ).toEqual({
      type: "relativeYearly",
      daysOfWeek: "Thursday",
      dayOfWeekIndex: "Fourth",
      month: "November",
    });
  });

  it("an update replaces a weekly pattern with a relative monthly one", async () => {
    const [created] = await client.createCalendarItems([
      {
        subject: "Review",
        start: "2025-02-03T10:00:00Z",
        end: "2025-02-03T11:00:00Z",
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday"] },
          range: { type: "noEnd", startDate: "2025-02-03" },
        },
      },
    ]);
    if (!created?.ok || !created.value) throw new Error("create failed");
    const [updated] = await client.updateCalendarItems([
      {
        itemId: created.value,
        set: {
          recurrence: {
            pattern: { type: "relativeMonthly", interval: 3, daysOfWeek: "Monday", dayOfWeekIndex: "First" },
            range: { type: "endDate", startDate: "2025-02-03", endDate: "2025-12-31" },
          },
        },
      },
    ]);
    expect(updated?.ok).toBe(true);
    const details = readCalendarDetails((await client.getItem(created.value)).element);
    expect(details.recurrence?.pattern).toEqual({
      type: "relativeMonthly",
      interval: 3,
      daysOfWeek: "Monday",
      dayOfWeekIndex: "First",
    });
  });

  it("an unknown pattern from the server reads as other, the rest of the item intact", async () => {
    sim.ews.respondRaw(
      `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:CalendarItem><t:ItemId Id="x1" ChangeKey="c"/><t:Subject>Odd</t:Subject><t:Recurrence><t:LunarRecurrence><t:Interval>1</t:Interval></t:LunarRecurrence><t:NoEndRecurrence><t:StartDate>2025-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence></t:CalendarItem></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>`,
    );
    const item = await client.getItem({ id: "x1" });
    expect(item.subject).toBe("Odd");
    const recurrence = readCalendarDetails(item.element).recurrence;
    expect(recurrence?.pattern).toMatchObject({ type: "other", name: "LunarRecurrence" });
    expect(recurrence?.range).toEqual({ type: "noEnd", startDate: "2025-01-01" });
  });
});
