import type { MessageSummary, SearchQuery } from "../../mailbox.js";

// Client-side evaluation of a SearchQuery, for the protocols (or the fields) the server cannot
// search: POP3 has no search at all; IMAP and EWS results are re-checked with it where the
// server's matching is looser than ours. (MAPI searches with a server-side restriction.)

function contains(haystack: string | undefined, needle: string): boolean {
  return (haystack ?? "").toLocaleLowerCase().includes(needle.toLocaleLowerCase());
}

/** Every field of `query` except `text` (which needs the body) holds for `summary`. */
export function matchesSummary(summary: MessageSummary, query: SearchQuery): boolean {
  if (query.subject !== undefined && !contains(summary.subject, query.subject)) return false;
  if (
    query.from !== undefined &&
    !contains(summary.from?.address, query.from) &&
    !contains(summary.from?.name, query.from)
  )
    return false;
  if (query.unread !== undefined && summary.read === query.unread) return false;
  if (query.since !== undefined && (summary.date === undefined || summary.date < query.since)) return false;
  if (query.before !== undefined && (summary.date === undefined || summary.date >= query.before))
    return false;
  return true;
}

/** The text search: subject or either body contains `text`. */
export function matchesText(
  message: {
    readonly subject: string;
    readonly text?: string | undefined;
    readonly html?: string | undefined;
  },
  text: string,
): boolean {
  return contains(message.subject, text) || contains(message.text, text) || contains(message.html, text);
}
