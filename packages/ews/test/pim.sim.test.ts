import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EwsClient, readCalendarDetails, readContactDetails, readTaskDetails } from "../src/index.js";
import { simEwsClient } from "./support/sim-client.js";

// Calendar items with recurrence, contacts and tasks: created, read back, and (calendar) listed
// through a CalendarView that expands the series.

let sim: ExchangeSim;
let client: EwsClient;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 20, largeMessageBytes: 0 } });
  client = simEwsClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

describe("calendar", () => {
  it("creates a weekly series and a single appointment; a CalendarView expands the series", async () => {
    const results = await client.createCalendarItems([
      {
        subject: "Stand-up",
        start: new Date("2025-03-03T09:00:00Z"),
        end: new Date("2025-03-03T09:15:00Z"),
        location: "Room <1> & 2",
        requiredAttendees: ["megan.bowen@mailwire.test"],
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday", "Wednesday"] },
          range: { type: "endDate", startDate: "2025-03-03", endDate: "2025-03-31" },
        },
      },
      {
        subject: "Dentist",
        start: "2025-03-12T14:00:00Z",
        end: "2025-03-12T15:00:00Z",
        isAllDayEvent: false,
      },
    ]);
    const [series, single] = results;
    if (!series?.ok || !series.value || !single?.ok || !single.value) throw new Error("create failed");

    const master = await client.getItem(series.value);
    expect(master.kind).toBe("CalendarItem");
    expect(master.subject).toBe("Stand-up");
    const details = readCalendarDetails(master.element);
    expect(details).toMatchObject({
      location: "Room <1> & 2",
      isRecurring: true,
      calendarItemType: "RecurringMaster",
      requiredAttendees: [{ emailAddress: "megan.bowen@mailwire.test" }],
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["Monday", "Wednesday"] },
        range: { type: "endDate", startDate: "2025-03-03", endDate: "2025-03-31" },
      },
    });

    const view = await client.findCalendarView("calendar", {
      start: new Date("2025-03-10T00:00:00Z"),
      end: new Date("2025-03-17T00:00:00Z"),
    });
    expect(view.items.map((i) => [i.subject, readCalendarDetails(i.element).start])).toEqual([
      ["Stand-up", "2025-03-10T09:00:00.000Z"],
      ["Stand-up", "2025-03-12T09:00:00.000Z"],
      ["Dentist", "2025-03-12T14:00:00Z"],
    ]);
    await expect(
      client.findCalendarView("calendar", {
        start: new Date("2025-03-01T00:00:00Z"),
        end: new Date("2025-04-01T00:00:00Z"),
        maxEntries: 3,
      }),
    ).rejects.toMatchObject({ responseCode: "ErrorCalendarViewRangeTooBig" });
  });
});

describe("contacts and tasks", () => {
  it("creates and reads a contact", async () => {
    const [created] = await client.createContacts([
      {
        givenName: "Zoë",
        surname: "Brønsted",
        displayName: "Zoë Brønsted",
        companyName: "Partner & Co",
        emailAddresses: ["zoe.bronsted@partner.example", "zoe@home.example"],
        mobilePhone: "+45 1234",
      },
    ]);
    if (!created?.ok || !created.value) throw new Error("create failed");
    const contact = await client.getItem(created.value);
    expect(contact.kind).toBe("Contact");
    expect(readContactDetails(contact.element)).toEqual({
      displayName: "Zoë Brønsted",
      givenName: "Zoë",
      surname: "Brønsted",
      companyName: "Partner & Co",
      emailAddresses: ["zoe.bronsted@partner.example", "zoe@home.example"],
      phoneNumbers: { MobilePhone: "+45 1234" },
    });
    await expect(client.createContacts([{ emailAddresses: ["a", "b", "c", "d"] }])).rejects.toMatchObject({
      code: "MW_INVALID_ARGUMENT",
    });
  });

  it("creates and reads a task", async () => {
    const [created] = await client.createTasks([
      {
        subject: "File expenses",
        dueDate: "2025-04-01T00:00:00Z",
        status: "InProgress",
        percentComplete: 50,
      },
    ]);
    if (!created?.ok || !created.value) throw new Error("create failed");
    const task = await client.getItem(created.value);
    expect(task).toMatchObject({ kind: "Task", subject: "File expenses" });
    expect(readTaskDetails(task.element)).toEqual({
      dueDate: "2025-04-01T00:00:00Z",
      status: "InProgress",
      percentComplete: 50,
      isComplete: false,
    });
    const [deleted] = await client.deleteItems([created.value], { deleteType: "HardDelete" });
    expect(deleted?.ok).toBe(true);
    await expect(client.getItem(created.value)).rejects.toMatchObject({ responseCode: "ErrorItemNotFound" });
  });
});
