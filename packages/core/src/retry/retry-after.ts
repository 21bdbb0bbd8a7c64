/**
 * Retry-After (RFC 9110 10.2.3): either delay-seconds or an HTTP-date. Returns
 * milliseconds from `nowMs`, never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10) * 1000;
  // Only the date forms HTTP allows; Date.parse alone would accept far more.
  if (
    !/^[A-Za-z]{3},? [0-9]{1,2}[ -][A-Za-z]{3}[ -][0-9]{2,4} \d\d:\d\d:\d\d GMT$|^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d\d:\d\d:\d\d \d{4}$/.test(
      text,
    )
  ) {
    return undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
