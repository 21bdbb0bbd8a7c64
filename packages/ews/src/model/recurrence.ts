import { InvalidArgumentError } from "@mailwire/core";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childText, type XmlElement } from "../xml/xml-element.js";

// RecurrenceType (MS-OXWSCDATA 2.2.4.x, used by CalendarItemType in MS-OXWSMTGS): one pattern
// element, then one range element. Every pattern of RecurrencePatternTypes is mapped:
// daily, weekly, absolute and relative monthly ("the 15th", "the second Tuesday"), absolute and
// relative yearly. What the reader does not know (a task's regeneration patterns, a future
// schema's element) or cannot trust (a value outside its enumeration or range) comes back as
// `{ type: "other", name, element }` with the element kept: a reply is untrusted input, and an
// odd recurrence must not make the whole item unreadable.

export type DayOfWeek = "Sunday" | "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday";
/** DayOfWeekType: a weekday, or "Day" / "Weekday" / "WeekendDay" (relative patterns only). */
export type RelativeDay = DayOfWeek | "Day" | "Weekday" | "WeekendDay";
/** DayOfWeekIndexType: which of the month's matching days. */
export type DayOfWeekIndex = "First" | "Second" | "Third" | "Fourth" | "Last";
export type Month =
  | "January"
  | "February"
  | "March"
  | "April"
  | "May"
  | "June"
  | "July"
  | "August"
  | "September"
  | "October"
  | "November"
  | "December";

export const DAYS_OF_WEEK: readonly DayOfWeek[] = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
];
export const RELATIVE_DAYS: readonly RelativeDay[] = [...DAYS_OF_WEEK, "Day", "Weekday", "WeekendDay"];
export const DAY_OF_WEEK_INDEXES: readonly DayOfWeekIndex[] = ["First", "Second", "Third", "Fourth", "Last"];
export const MONTHS: readonly Month[] = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export type RecurrencePattern =
  | { type: "daily"; interval: number }
  | { type: "weekly"; interval: number; daysOfWeek: readonly DayOfWeek[]; firstDayOfWeek?: DayOfWeek }
  | { type: "absoluteMonthly"; interval: number; dayOfMonth: number }
  | { type: "relativeMonthly"; interval: number; daysOfWeek: RelativeDay; dayOfWeekIndex: DayOfWeekIndex }
  | { type: "absoluteYearly"; dayOfMonth: number; month: Month }
  | { type: "relativeYearly"; daysOfWeek: RelativeDay; dayOfWeekIndex: DayOfWeekIndex; month: Month };

export type RecurrenceRange =
  | { type: "noEnd"; startDate: string }
  | { type: "endDate"; startDate: string; endDate: string }
  | { type: "numbered"; startDate: string; numberOfOccurrences: number };

/** A pattern or range the reader does not map; `element` is the server's element as parsed. */
export interface OtherRecurrencePart {
  type: "other";
  /** The element's local name, e.g. "DailyRegeneration". */
  name: string;
  /** Why it was not mapped: an unknown element, or the field whose value is out of range. */
  reason: string;
  element: XmlElement;
}

export interface Recurrence {
  pattern: RecurrencePattern | OtherRecurrencePart;
  range: RecurrenceRange | OtherRecurrencePart;
}

// --- writing -------------------------------------------------------------------------------

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`recurrence ${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new InvalidArgumentError(`recurrence ${name} "${value}" is not valid`);
  return value;
}

function patternNode(pattern: RecurrencePattern): XmlNode {
  // Element order in each pattern follows its schema type (IntervalRecurrencePatternBaseType
  // puts Interval first; the yearly types have no Interval).
  switch (pattern.type) {
    case "daily":
      return element(
        "t:DailyRecurrence",
        undefined,
        textElement("t:Interval", checkInteger("interval", pattern.interval, 1, 999)),
      );
    case "weekly":
      return element(
        "t:WeeklyRecurrence",
        undefined,
        textElement("t:Interval", checkInteger("interval", pattern.interval, 1, 99)),
        textElement(
          "t:DaysOfWeek",
          pattern.daysOfWeek.map((day) => checkOneOf("day", day, DAYS_OF_WEEK)).join(" "),
        ),
        pattern.firstDayOfWeek === undefined
          ? undefined
          : textElement(
              "t:FirstDayOfWeek",
              checkOneOf("firstDayOfWeek", pattern.firstDayOfWeek, DAYS_OF_WEEK),
            ),
      );
    case "absoluteMonthly":
      return element(
        "t:AbsoluteMonthlyRecurrence",
        undefined,
        textElement("t:Interval", checkInteger("interval", pattern.interval, 1, 99)),
        textElement("t:DayOfMonth", checkInteger("dayOfMonth", pattern.dayOfMonth, 1, 31)),
      );
    case "relativeMonthly":
      return element(
        "t:RelativeMonthlyRecurrence",
        undefined,
        textElement("t:Interval", checkInteger("interval", pattern.interval, 1, 99)),
        textElement("t:DaysOfWeek", checkOneOf("daysOfWeek", pattern.daysOfWeek, RELATIVE_DAYS)),
        textElement(
          "t:DayOfWeekIndex",
          checkOneOf("dayOfWeekIndex", pattern.dayOfWeekIndex, DAY_OF_WEEK_INDEXES),
        ),
      );
    case "absoluteYearly":
      return element(
        "t:AbsoluteYearlyRecurrence",
        undefined,
        textElement("t:DayOfMonth", checkInteger("dayOfMonth", pattern.dayOfMonth, 1, 31)),
        textElement("t:Month", checkOneOf("month", pattern.month, MONTHS)),
      );
    case "relativeYearly":
      return element(
        "t:RelativeYearlyRecurrence",
        undefined,
        textElement("t:DaysOfWeek", checkOneOf("daysOfWeek", pattern.daysOfWeek, RELATIVE_DAYS)),
        textElement(
          "t:DayOfWeekIndex",
          checkOneOf("dayOfWeekIndex", pattern.dayOfWeekIndex, DAY_OF_WEEK_INDEXES),
        ),
        textElement("t:Month", checkOneOf("month", pattern.month, MONTHS)),
      );
    default:
      throw new InvalidArgumentError(
        `unknown recurrence pattern type "${(pattern as { type: unknown }).type}"`,
      );
  }
}

function rangeNode(range: RecurrenceRange): XmlNode {
  switch (range.type) {
    case "noEnd":
      return element("t:NoEndRecurrence", undefined, textElement("t:StartDate", range.startDate));
    case "endDate":
      return element(
        "t:EndDateRecurrence",
        undefined,
        textElement("t:StartDate", range.startDate),
        textElement("t:EndDate", range.endDate),
      );
    case "numbered":
      return element(
        "t:NumberedRecurrence",
        undefined,
        textElement("t:StartDate", range.startDate),
        textElement(
          "t:NumberOfOccurrences",
          checkInteger("numberOfOccurrences", range.numberOfOccurrences, 1, 999),
        ),
      );
    default:
      throw new InvalidArgumentError(`unknown recurrence range type "${(range as { type: unknown }).type}"`);
  }
}

/** t:Recurrence for CreateItem/UpdateItem; invalid values throw InvalidArgumentError before sending. */
export function recurrenceNode(recurrence: { pattern: RecurrencePattern; range: RecurrenceRange }): XmlNode {
  return element("t:Recurrence", undefined, patternNode(recurrence.pattern), rangeNode(recurrence.range));
}

// --- reading -------------------------------------------------------------------------------

/** Thrown inside the reader for a value it will not map; turned into an "other" part. */
class Unmapped {
  constructor(readonly reason: string) {}
}

function readInteger(parent: XmlElement, name: string, min: number, max: number): number {
  const text = childText(parent, name);
  // xs:int text: an optional sign and digits; anything else is not a value we trust.
  if (text === undefined || !/^[+-]?\d{1,9}$/.test(text))
    throw new Unmapped(`${name} is missing or not an integer`);
  const value = Number(text);
  if (value < min || value > max) throw new Unmapped(`${name} ${value} is out of range`);
  return value;
}

function readOneOf<T extends string>(parent: XmlElement, name: string, allowed: readonly T[]): T {
  const text = childText(parent, name);
  if (text === undefined || !allowed.includes(text as T)) throw new Unmapped(`${name} is missing or unknown`);
  return text as T;
}

function readDate(parent: XmlElement, name: string): string {
  const text = childText(parent, name);
  // xs:date, optionally with a zone ("2025-03-03", "2025-03-03Z", "2025-03-03-08:00").
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(text)) {
    throw new Unmapped(`${name} is missing or not an xs:date`);
  }
  return text;
}

function readPattern(pattern: XmlElement): RecurrencePattern {
  switch (pattern.name) {
    case "DailyRecurrence":
      return { type: "daily", interval: readInteger(pattern, "Interval", 1, 999) };
    case "WeeklyRecurrence": {
      const days = (childText(pattern, "DaysOfWeek") ?? "").split(/\s+/).filter(Boolean);
      if (days.length === 0 || days.some((day) => !DAYS_OF_WEEK.includes(day as DayOfWeek))) {
        throw new Unmapped("DaysOfWeek is missing or unknown");
      }
      const weekly: RecurrencePattern & { type: "weekly" } = {
        type: "weekly",
        interval: readInteger(pattern, "Interval", 1, 99),
        daysOfWeek: days as DayOfWeek[],
      };
      if (childText(pattern, "FirstDayOfWeek") !== undefined) {
        weekly.firstDayOfWeek = readOneOf(pattern, "FirstDayOfWeek", DAYS_OF_WEEK);
      }
      return weekly;
    }
    case "AbsoluteMonthlyRecurrence":
      return {
        type: "absoluteMonthly",
        interval: readInteger(pattern, "Interval", 1, 99),
        dayOfMonth: readInteger(pattern, "DayOfMonth", 1, 31),
      };
    case "RelativeMonthlyRecurrence":
      return {
        type: "relativeMonthly",
        interval: readInteger(pattern, "Interval", 1, 99),
        daysOfWeek: readOneOf(pattern, "DaysOfWeek", RELATIVE_DAYS),
        dayOfWeekIndex: readOneOf(pattern, "DayOfWeekIndex", DAY_OF_WEEK_INDEXES),
      };
    case "AbsoluteYearlyRecurrence":
      return {
        type: "absoluteYearly",
        dayOfMonth: readInteger(pattern, "DayOfMonth", 1, 31),
        month: readOneOf(pattern, "Month", MONTHS),
      };
    case "RelativeYearlyRecurrence":
      return {
        type: "relativeYearly",
        daysOfWeek: readOneOf(pattern, "DaysOfWeek", RELATIVE_DAYS),
        dayOfWeekIndex: readOneOf(pattern, "DayOfWeekIndex", DAY_OF_WEEK_INDEXES),
        month: readOneOf(pattern, "Month", MONTHS),
      };
    default:
      throw new Unmapped("unknown pattern element");
  }
}

function readRange(range: XmlElement): RecurrenceRange {
  switch (range.name) {
    case "NoEndRecurrence":
      return { type: "noEnd", startDate: readDate(range, "StartDate") };
    case "EndDateRecurrence":
      return {
        type: "endDate",
        startDate: readDate(range, "StartDate"),
        endDate: readDate(range, "EndDate"),
      };
    case "NumberedRecurrence":
      return {
        type: "numbered",
        startDate: readDate(range, "StartDate"),
        numberOfOccurrences: readInteger(range, "NumberOfOccurrences", 1, 999),
      };
    default:
      throw new Unmapped("unknown range element");
  }
}

function mapped<T>(part: XmlElement, read: (part: XmlElement) => T): T | OtherRecurrencePart {
  try {
    return read(part);
  } catch (error) {
    if (error instanceof Unmapped)
      return { type: "other", name: part.name, reason: error.reason, element: part };
    throw error;
  }
}

/**
 * A t:Recurrence element as returned by GetItem/FindItem. Undefined when absent or without a
 * pattern and a range; a part that cannot be mapped is `{ type: "other" }` (never a throw).
 */
export function readRecurrence(element: XmlElement | undefined): Recurrence | undefined {
  if (element === undefined) return undefined;
  const [patternElement, rangeElement] = element.children;
  if (patternElement === undefined || rangeElement === undefined) return undefined;
  return { pattern: mapped(patternElement, readPattern), range: mapped(rangeElement, readRange) };
}
