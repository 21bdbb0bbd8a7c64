/**
 * Secret redaction. Every text that leaves mailwire for a log, a diagnostics event or an
 * error message passes through here first.
 */

const REDACTED = "[REDACTED]";

/** Headers whose values are credentials, compared lower-case. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "www-authenticate",
  "proxy-authenticate",
  "cookie",
  "set-cookie",
  "x-anchormailbox-token",
]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of the headers with credential values replaced (the scheme word is kept, it helps debugging). */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isSecretHeader(name) || value === undefined) {
      out[name] = value === undefined ? undefined : typeof value === "string" ? value : [...value];
      continue;
    }
    const redactOne = (v: string) => {
      const scheme = /^([A-Za-z][A-Za-z0-9_-]*)\s/.exec(v)?.[1];
      return scheme ? `${scheme} ${REDACTED}` : REDACTED;
    };
    out[name] = typeof value === "string" ? redactOne(value) : value.map(redactOne);
  }
  return out;
}

/**
 * Replaces every occurrence of the given secrets (and their base64 and hex forms, which
 * is how they travel in AUTH lines and headers) with a marker.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  }
  return out;
}

function secretForms(secret: string): string[] {
  const utf8 = Buffer.from(secret, "utf8");
  const forms = new Set([secret, utf8.toString("base64"), utf8.toString("hex")]);
  return [...forms].filter((form) => form.length >= 3);
}

/** Line-protocol commands that carry a credential; the argument part is replaced. */
export function redactCommandLine(line: string): string {
  const match =
    /^((?:[A-Za-z0-9.]+\s+)?(?:PASS|APOP\s+\S+|LOGIN\s+\S+|AUTH(?:ENTICATE)?\s+\S+)\s+)(.+)$/i.exec(line);
  if (match) return `${match[1]}${REDACTED}`;
  return line;
}

export { REDACTED };
