import type { PropertyTag } from "../data/property-tag.js";
import { BitmapRelOp, FuzzyLevelHigh, FuzzyLevelLow, RelOp, type Restriction } from "../data/restriction.js";
import { type SortOrder, SortOrderDirection } from "../data/sort-order.js";
import { dateToFileTime } from "./row-values.js";
import { MessageFlag, SessionTags } from "./session-tags.js";

/** A contents-table search: every given field must hold (RES_AND). Text matches ignore case. */
export interface MessageSearch {
  /** Substring of the subject or the plain-text body. */
  readonly text?: string | undefined;
  readonly subject?: string | undefined;
  /** Substring of the sender's display name or email address. */
  readonly from?: string | undefined;
  /** true: only unread messages; false: only read ones. */
  readonly unread?: boolean | undefined;
  /** Delivered at or after this instant. */
  readonly since?: Date | undefined;
  /** Delivered before this instant. */
  readonly before?: Date | undefined;
}

/** Newest first: PidTagMessageDeliveryTime descending, the order a mail client shows. */
export const NEWEST_FIRST: readonly SortOrder[] = [
  { propertyTag: SessionTags.PidTagMessageDeliveryTime, order: SortOrderDirection.Descending },
];

/** RES_CONTENT with FL_SUBSTRING | FL_IGNORECASE (MS-OXCDATA 2.12.4). */
function contains(propertyTag: PropertyTag, text: string): Restriction {
  return {
    kind: "content",
    fuzzyLevelLow: FuzzyLevelLow.FL_SUBSTRING,
    fuzzyLevelHigh: FuzzyLevelHigh.FL_IGNORECASE,
    propertyTag,
    value: { tag: propertyTag, value: text },
  };
}

function anyOf(restrictions: Restriction[]): Restriction {
  return restrictions.length === 1 ? (restrictions[0] as Restriction) : { kind: "or", restrictions };
}

/** RES_PROPERTY on the delivery time (MS-OXCDATA 2.12.5), FILETIME as the value. */
function delivered(relOp: number, date: Date): Restriction {
  const tag = SessionTags.PidTagMessageDeliveryTime;
  return { kind: "property", relOp, propertyTag: tag, value: { tag, value: dateToFileTime(date) } };
}

/**
 * The restriction for RopRestrict that selects what `search` describes, or undefined when it
 * asks for nothing. Unread is RES_BITMASK on PidTagMessageFlags' MSGFLAG_READ bit (MS-OXCDATA
 * 2.12.7, MS-OXCMSG 2.2.1.6): BMR_EQZ for unread, BMR_NEZ for read.
 */
export function messageSearchRestriction(search: MessageSearch): Restriction | undefined {
  const all: Restriction[] = [];
  if (search.text !== undefined) {
    all.push(
      anyOf([
        contains(SessionTags.PidTagSubject, search.text),
        contains(SessionTags.PidTagBody, search.text),
      ]),
    );
  }
  if (search.subject !== undefined) all.push(contains(SessionTags.PidTagSubject, search.subject));
  if (search.from !== undefined) {
    all.push(
      anyOf([
        contains(SessionTags.PidTagSenderName, search.from),
        contains(SessionTags.PidTagSenderEmailAddress, search.from),
      ]),
    );
  }
  if (search.unread !== undefined) {
    all.push({
      kind: "bitMask",
      bitmapRelOp: search.unread ? BitmapRelOp.BMR_EQZ : BitmapRelOp.BMR_NEZ,
      propertyTag: SessionTags.PidTagMessageFlags,
      mask: MessageFlag.mfRead,
    });
  }
  if (search.since !== undefined) all.push(delivered(RelOp.RELOP_GE, search.since));
  if (search.before !== undefined) all.push(delivered(RelOp.RELOP_LT, search.before));
  if (all.length === 0) return undefined;
  return all.length === 1 ? all[0] : { kind: "and", restrictions: all };
}
