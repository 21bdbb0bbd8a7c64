import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childNumber, childText, type XmlElement } from "../xml/xml-element.js";

// RecurrenceType (MS-OXWSCDATA 2.2.4.x): a pattern and a range. The common patterns are covered;
// relative monthly/yearly ("second Tuesday") are read back as "other" with the element kept.

export type RecurrencePattern =
  | { type: "daily"; interval: number }
  | { type: "weekly"; interval: number; daysOfWeek: readonly DayOfWeek[]; firstDayOfWeek?: DayOfWeek }
  | { type: "absoluteMonthly"; interval: number; dayOfMonth: number }
  | { type: "absoluteYearly"; dayOfMonth: number; month: Month };

export type RecurrenceRange =
  | { type: "noEnd"; startDate: string }
  | { type: "endDate"; startDate: string; endDate: string }
  | { type: "numbered"; startDate: string; numberOfOccurrences: number };

export interface Recurrence {
  pattern: RecurrencePattern | { type: "other"; element: XmlElement };
  range: RecurrenceRange;
}

export type DayOfWeek = "Sunday" | "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday";
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

function patternNode(pattern: RecurrencePattern): XmlNode {
  switch (pattern.type) {
    case "daily":
      return element("t:DailyRecurrence", undefined, textElement("t:Interval", pattern.interval));
    case "weekly":
      return element(
        "t:WeeklyRecurrence",
        undefined,
        textElement("t:Interval", pattern.interval),
        textElement("t:DaysOfWeek", pattern.daysOfWeek.join(" ")),
        pattern.firstDayOfWeek === undefined
          ? undefined
          : textElement("t:FirstDayOfWeek", pattern.firstDayOfWeek),
      );
    case "absoluteMonthly":
      return element(
        "t:AbsoluteMonthlyRecurrence",
        undefined,
        textElement("t:Interval", pattern.interval),
        textElement("t:DayOfMonth", pattern.dayOfMonth),
      );
    case "absoluteYearly":
      return element(
        "t:AbsoluteYearlyRecurrence",
        undefined,
        textElement("t:DayOfMonth", pattern.dayOfMonth),
        textElement("t:Month", pattern.month),
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
        textElement("t:NumberOfOccurrences", range.numberOfOccurrences),
      );
  }
}

export function recurrenceNode(recurrence: { pattern: RecurrencePattern; range: RecurrenceRange }): XmlNode {
  return element("t:Recurrence", undefined, patternNode(recurrence.pattern), rangeNode(recurrence.range));
}

export function readRecurrence(element: XmlElement | undefined): Recurrence | undefined {
  if (element === undefined) return undefined;
  const [patternElement, rangeElement] = element.children;
  if (patternElement === undefined || rangeElement === undefined) return undefined;
  const interval = childNumber(patternElement, "Interval") ?? 1;
  let pattern: Recurrence["pattern"];
  switch (patternElement.name) {
    case "DailyRecurrence":
      pattern = { type: "daily", interval };
      break;
    case "WeeklyRecurrence": {
      const weekly: RecurrencePattern & { type: "weekly" } = {
        type: "weekly",
        interval,
        daysOfWeek: (childText(patternElement, "DaysOfWeek") ?? "")
          .split(/\s+/)
          .filter(Boolean) as DayOfWeek[],
      };
      const first = childText(patternElement, "FirstDayOfWeek");
      if (first !== undefined) weekly.firstDayOfWeek = first as DayOfWeek;
      pattern = weekly;
      break;
    }
    case "AbsoluteMonthlyRecurrence":
      pattern = {
        type: "absoluteMonthly",
        interval,
        dayOfMonth: childNumber(patternElement, "DayOfMonth") ?? 1,
      };
      break;
    case "AbsoluteYearlyRecurrence":
      pattern = {
        type: "absoluteYearly",
        dayOfMonth: childNumber(patternElement, "DayOfMonth") ?? 1,
        month: (childText(patternElement, "Month") ?? "January") as Month,
      };
      break;
    default:
      pattern = { type: "other", element: patternElement };
  }
  const startDate = childText(rangeElement, "StartDate") ?? "";
  const range: RecurrenceRange =
    rangeElement.name === "EndDateRecurrence"
      ? { type: "endDate", startDate, endDate: childText(rangeElement, "EndDate") ?? "" }
      : rangeElement.name === "NumberedRecurrence"
        ? {
            type: "numbered",
            startDate,
            numberOfOccurrences: childNumber(rangeElement, "NumberOfOccurrences") ?? 0,
          }
        : { type: "noEnd", startDate };
  return { pattern, range };
}
