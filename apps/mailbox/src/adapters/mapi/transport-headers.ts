/**
 * PidTagTransportMessageHeaders text (MS-OXPROPS 2.1070: the RFC 5322 header block as
 * received) as name/value pairs in order, folded lines joined (RFC 5322 §2.2.3).
 */
export function parseTransportHeaders(text: string): (readonly [string, string])[] {
  const headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return headers;
}
