import type { HttpHeaders } from "../types.js";

/** One challenge of a WWW-Authenticate header (RFC 9110 11.6.1). */
export interface AuthChallenge {
  /** Lower-case scheme name. */
  readonly scheme: string;
  /** The token68 (NTLM/Negotiate carry their base64 messages here). */
  readonly token: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

const SCHEME_START = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+(.*))?$/s;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const PARAM = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))$/s;

/** Splits on commas outside quoted strings. */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index];
    if (char === "\\" && quoted) {
      current += char + (value[index + 1] ?? "");
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === "," && !quoted) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  parts.push(current.trim());
  return parts.filter((part) => part.length > 0);
}

/**
 * Parses every challenge of every WWW-Authenticate header. A comma starts a new
 * challenge when what follows is a scheme word rather than a `name=value` parameter.
 */
export function parseChallenges(headers: HttpHeaders, name = "www-authenticate"): AuthChallenge[] {
  const raw = headers[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const challenges: { scheme: string; token: string | undefined; params: Record<string, string> }[] = [];
  for (const value of values) {
    for (const part of splitTopLevel(value)) {
      const param = PARAM.exec(part);
      const current = challenges.at(-1);
      if (param && current && !SCHEME_START.exec(part)?.[2]) {
        current.params[(param[1] ?? "").toLowerCase()] = param[2]?.replace(/\\(.)/g, "$1") ?? param[3] ?? "";
        continue;
      }
      const start = SCHEME_START.exec(part);
      if (!start?.[1]) continue;
      const scheme = start[1].toLowerCase();
      const rest = start[2]?.trim() ?? "";
      const challenge = {
        scheme,
        token: undefined as string | undefined,
        params: {} as Record<string, string>,
      };
      if (TOKEN68.test(rest)) challenge.token = rest;
      else if (rest) {
        const first = PARAM.exec(rest);
        if (first?.[1]) challenge.params[first[1].toLowerCase()] = first[2] ?? first[3] ?? "";
      }
      challenges.push(challenge);
    }
  }
  return challenges;
}

export function findChallenge(
  challenges: readonly AuthChallenge[],
  scheme: string,
): AuthChallenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((challenge) => challenge.scheme === wanted);
}
