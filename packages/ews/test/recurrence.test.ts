import { InvalidArgumentError } from "@mailwire/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_OF_WEEK_INDEXES,
  MONTHS,
  RELATIVE_DAYS,
  type RecurrencePattern,
  type RecurrenceRange,
  readRecurrence,
  recurrenceNode,
} from "../src/index.js";
import { parseXml } from "../src/xml/parse-xml.js";
import { escapeXmlText, serializeXml } from "../src/xml/serialize-xml.js";

// RecurrenceType (MS-OXWSCDATA): every pattern and range written and read back; what the reader
// cannot map (unknown elements, values outside their enumeration) is `{ type: "other" }`.

const roundTrip = (recurrence: { pattern: RecurrencePattern; range: RecurrenceRange }) => {
  const xml = serializeXml(recurrenceNode(recurrence)).replace(
    "<t:Recurrence>",
    `<t:Recurrence xmlns:t="urn:t">`,
  );
  return readRecurrence(parseXml(xml));
};

const recurrenceXml = (inner: string) => parseXml(`<t:Recurrence xmlns:t="urn:t">${inner}</t:Recurrence>`);

describe("recurrence patterns", () => {
  it("writes relative monthly and relative/absolute yearly in schema order", () => {
    expect(
      serializeXml(
        recurrenceNode({
          pattern: { type: "relativeMonthly", interval: 2, daysOfWeek: "Tuesday", dayOfWeekIndex: "Second" },
          range: { type: "numbered", startDate: "2025-01-14", numberOfOccurrences: 6 },
        }),
      ),
    ).toBe(
      "<t:Recurrence><t:RelativeMonthlyRecurrence><t:Interval>2</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>Second</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NumberedRecurrence><t:StartDate>2025-01-14</t:StartDate><t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>",
    );
    expect(
      serializeXml(
        recurrenceNode({
          pattern: { type: "relativeYearly", daysOfWeek: "Weekday", dayOfWeekIndex: "Last", month: "May" },
          range: { type: "noEnd", startDate: "2025-05-30" },
        }),
      ),
    ).toContain(
      "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>May</t:Month></t:RelativeYearlyRecurrence>",
    );
  });

  it("round-trips every pattern with every range", () => {
    const patterns: RecurrencePattern[] = [
      { type: "daily", interval: 3 },
      { type: "weekly", interval: 2, daysOfWeek: ["Monday", "Friday"], firstDayOfWeek: "Monday" },
      { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
      { type: "relativeMonthly", interval: 1, daysOfWeek: "WeekendDay", dayOfWeekIndex: "First" },
      { type: "absoluteYearly", dayOfMonth: 29, month: "February" },
      { type: "relativeYearly", daysOfWeek: "Thursday", dayOfWeekIndex: "Fourth", month: "November" },
    ];
    const ranges: RecurrenceRange[] = [
      { type: "noEnd", startDate: "2025-01-01" },
      { type: "endDate", startDate: "2025-01-01", endDate: "2027-12-31" },
      { type: "numbered", startDate: "2025-01-01Z", numberOfOccurrences: 10 },
    ];
    for (const pattern of patterns)
      for (const range of ranges) expect(roundTrip({ pattern, range })).toEqual({ pattern, range });
  });

  it("property: any valid relative pattern round-trips", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.constantFrom(...RELATIVE_DAYS),
        fc.constantFrom(...DAY_OF_WEEK_INDEXES),
        fc.constantFrom(...MONTHS),
        fc.integer({ min: 1, max: 999 }),
        (interval, daysOfWeek, dayOfWeekIndex, month, count) => {
          const range: RecurrenceRange = {
            type: "numbered",
            startDate: "2026-02-03",
            numberOfOccurrences: count,
          };
          const monthly: RecurrencePattern = {
            type: "relativeMonthly",
            interval,
            daysOfWeek,
            dayOfWeekIndex,
          };
          const yearly: RecurrencePattern = { type: "relativeYearly", daysOfWeek, dayOfWeekIndex, month };
          expect(roundTrip({ pattern: monthly, range })).toEqual({ pattern: monthly, range });
          expect(roundTrip({ pattern: yearly, range })).toEqual({ pattern: yearly, range });
        },
      ),
    );
  });

  it("refuses invalid values before sending (InvalidArgumentError)", () => {
    const range: RecurrenceRange = { type: "noEnd", startDate: "2025-01-01" };
    const bad: RecurrencePattern[] = [
      { type: "relativeMonthly", interval: 0, daysOfWeek: "Monday", dayOfWeekIndex: "First" },
      { type: "relativeMonthly", interval: 1, daysOfWeek: "Mon" as never, dayOfWeekIndex: "First" },
      { type: "relativeYearly", daysOfWeek: "Monday", dayOfWeekIndex: "Fifth" as never, month: "May" },
      { type: "absoluteYearly", dayOfMonth: 32, month: "May" },
      { type: "absoluteMonthly", interval: 1.5, dayOfMonth: 3 },
      { type: "hourly" } as never,
    ];
    for (const pattern of bad) expect(() => recurrenceNode({ pattern, range })).toThrow(InvalidArgumentError);
    expect(() =>
      recurrenceNode({
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2025-01-01", numberOfOccurrences: 0 },
      }),
    ).toThrow(InvalidArgumentError);
  });
});

describe("recurrence from an untrusted reply", () => {
  it("keeps an unknown pattern or range as other, with the element", () => {
    const recurrence = readRecurrence(
      recurrenceXml(
        "<t:DailyRegeneration><t:Interval>2</t:Interval></t:DailyRegeneration><t:SometimeRecurrence/>",
      ),
    );
    expect(recurrence?.pattern).toMatchObject({ type: "other", name: "DailyRegeneration" });
    expect(recurrence?.range).toMatchObject({ type: "other", name: "SometimeRecurrence" });
    if (recurrence?.pattern.type === "other")
      expect(recurrence.pattern.element.children[0]?.name).toBe("Interval");
  });

  it("maps a value outside its enumeration or range to other, naming the field", () => {
    const cases = [
      "<t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Funday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>",
      "<t:RelativeMonthlyRecurrence><t:Interval>1e400</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>",
      "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Monday</t:DaysOfWeek><t:DayOfWeekIndex>Fifth</t:DayOfWeekIndex><t:Month>May</t:Month></t:RelativeYearlyRecurrence>",
      "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>0</t:DayOfMonth><t:Month>May</t:Month></t:AbsoluteYearlyRecurrence>",
      "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>3</t:DayOfMonth></t:AbsoluteYearlyRecurrence>",
    ];
    for (const pattern of cases) {
      const recurrence = readRecurrence(
        recurrenceXml(
          `${pattern}<t:NoEndRecurrence><t:StartDate>2025-01-01</t:StartDate></t:NoEndRecurrence>`,
        ),
      );
      expect(recurrence?.pattern.type).toBe("other");
      expect(recurrence?.range).toEqual({ type: "noEnd", startDate: "2025-01-01" });
    }
    const badRange = readRecurrence(
      recurrenceXml(
        "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2025-01-01</t:StartDate><t:NumberOfOccurrences>-4</t:NumberOfOccurrences></t:NumberedRecurrence>",
      ),
    );
    expect(badRange?.range).toMatchObject({ type: "other", name: "NumberedRecurrence" });
    expect(badRange?.pattern).toEqual({ type: "daily", interval: 1 });
  });

  it("property: arbitrary pattern and range elements never throw and yield a known type or other", () => {
    const names = [
      "DailyRecurrence",
      "WeeklyRecurrence",
      "AbsoluteMonthlyRecurrence",
      "RelativeMonthlyRecurrence",
      "AbsoluteYearlyRecurrence",
      "RelativeYearlyRecurrence",
      "NoEndRecurrence",
      "EndDateRecurrence",
      "NumberedRecurrence",
      "Whatever",
    ];
    const fields = [
      "Interval",
      "DaysOfWeek",
      "DayOfWeekIndex",
      "DayOfMonth",
      "Month",
      "FirstDayOfWeek",
      "StartDate",
      "EndDate",
      "NumberOfOccurrences",
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -5, max: 2000 }).map(String),
      fc.constantFrom(...RELATIVE_DAYS, ...DAY_OF_WEEK_INDEXES, ...MONTHS, "2025-01-01", "Monday Friday"),
    );
    const part = fc.record({
      name: fc.constantFrom(...names),
      children: fc.array(fc.tuple(fc.constantFrom(...fields), value), { maxLength: 5 }),
    });
    const markup = (p: { name: string; children: [string, string][] }) =>
      `<t:${p.name}>${p.children.map(([n, v]) => `<t:${n}>${escapeXmlText(v)}</t:${n}>`).join("")}</t:${p.name}>`;
    fc.assert(
      fc.property(part, part, (pattern, range) => {
        const recurrence = readRecurrence(recurrenceXml(markup(pattern) + markup(range)));
        expect(recurrence).toBeDefined();
        expect([
          "daily",
          "weekly",
          "absoluteMonthly",
          "relativeMonthly",
          "absoluteYearly",
          "relativeYearly",
          "other",
        ]).toContain(recurrence?.pattern.type);
        expect(["noEnd", "endDate", "numbered", "other"]).toContain(recurrence?.range.type);
      }),
      { numRuns: 500 },
    );
  });

  it("a recurrence without a pattern and a range is absent", () => {
    expect(readRecurrence(recurrenceXml(""))).toBeUndefined();
    expect(readRecurrence(recurrenceXml("<t:DailyRecurrence/>"))).toBeUndefined();
  });
});
