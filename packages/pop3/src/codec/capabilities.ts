import { LimitExceededError } from "@mailwire/core";
import { Pop3Limits } from "./limits.js";
import { toText } from "./text.js";

/** EXPIRE (RFC 2449 §6.7): how long the server keeps messages after they were retrieved. */
export interface Pop3Expire {
  /** Days after retrieval, or "never" (`EXPIRE NEVER`). 0 means messages are deleted at QUIT. */
  readonly days: number | "never";
  /** `USER` argument: the policy may differ per user; CAPA after login tells (RFC 2449 §6.7). */
  readonly perUser: boolean;
}

/** What a server said in its CAPA reply (RFC 2449 §5, §6), as typed fields plus the raw tags. */
export interface Pop3Capabilities {
  /** Every tag, upper case, to its arguments as sent (in order, first occurrence wins). */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  /** TOP (RFC 2449 §6.1). */
  readonly top: boolean;
  /** USER/PASS (RFC 2449 §6.2). */
  readonly user: boolean;
  /** SASL mechanisms for AUTH (RFC 2449 §6.3, RFC 5034), upper case. */
  readonly sasl: readonly string[];
  /** RESP-CODES (RFC 2449 §6.4): -ERR replies may carry `[code]`. */
  readonly respCodes: boolean;
  /** AUTH-RESP-CODE (RFC 3206 §6): auth failures carry `[AUTH]` or `[SYS/...]`. */
  readonly authRespCode: boolean;
  /** LOGIN-DELAY seconds (RFC 2449 §6.5), when advertised. */
  readonly loginDelaySeconds: number | undefined;
  /** LOGIN-DELAY carries `USER`: the delay may differ per user. */
  readonly loginDelayPerUser: boolean;
  /** PIPELINING (RFC 2449 §6.6). */
  readonly pipelining: boolean;
  /** EXPIRE (RFC 2449 §6.7), when advertised. */
  readonly expire: Pop3Expire | undefined;
  /** UIDL (RFC 2449 §6.8). */
  readonly uidl: boolean;
  /** IMPLEMENTATION text (RFC 2449 §6.9), for diagnostics only. */
  readonly implementation: string | undefined;
  /** STLS (RFC 2595 §4). */
  readonly stls: boolean;
  /** UTF8 (RFC 6856 §2). */
  readonly utf8: boolean;
  /** UTF8 carries `USER`: USER/PASS accept UTF-8 (RFC 6856 §2). */
  readonly utf8User: boolean;
  /** LANG (RFC 6856 §3). */
  readonly lang: boolean;
}

/** The capabilities of a server that does not implement CAPA (RFC 1939 only). */
export const LEGACY_CAPABILITIES: Pop3Capabilities = capabilitiesFrom(new Map());

/**
 * Parses the lines of a CAPA reply body (without the `+OK` status line and the `.` line).
 * RFC 2449 §5: each line is a tag, optionally followed by arguments separated by spaces;
 * tags are case-insensitive. Unknown tags are kept in `tags`; malformed numeric arguments are
 * ignored rather than fatal (a capability is advice, never a reason to drop the session).
 */
export function parseCapabilities(lines: Iterable<string | Uint8Array>): Pop3Capabilities {
  const tags = new Map<string, readonly string[]>();
  for (const line of lines) {
    const words = toText(line)
      .split(" ")
      .filter((word) => word.length > 0);
    const tag = words[0]?.toUpperCase();
    if (tag === undefined) continue;
    if (tags.size >= Pop3Limits.maxCapabilities) {
      throw new LimitExceededError(`More than ${Pop3Limits.maxCapabilities} CAPA lines`, {
        limit: "maxCapabilities",
        max: Pop3Limits.maxCapabilities,
      });
    }
    if (!tags.has(tag)) tags.set(tag, words.slice(1, 1 + Pop3Limits.maxCapabilityArguments));
  }
  return capabilitiesFrom(tags);
}

function capabilitiesFrom(tags: ReadonlyMap<string, readonly string[]>): Pop3Capabilities {
  const args = (tag: string) => tags.get(tag);
  const hasUserArgument = (tag: string) => args(tag)?.some((word) => word.toUpperCase() === "USER") ?? false;
  const loginDelay = args("LOGIN-DELAY");
  const expire = args("EXPIRE");
  const implementation = args("IMPLEMENTATION");
  return {
    tags,
    top: tags.has("TOP"),
    user: tags.has("USER"),
    sasl: (args("SASL") ?? []).map((name) => name.toUpperCase()),
    respCodes: tags.has("RESP-CODES"),
    authRespCode: tags.has("AUTH-RESP-CODE"),
    loginDelaySeconds: loginDelay ? parseSeconds(loginDelay[0]) : undefined,
    loginDelayPerUser: hasUserArgument("LOGIN-DELAY"),
    pipelining: tags.has("PIPELINING"),
    expire: expire ? parseExpire(expire) : undefined,
    uidl: tags.has("UIDL"),
    implementation: implementation && implementation.length > 0 ? implementation.join(" ") : undefined,
    stls: tags.has("STLS"),
    utf8: tags.has("UTF8"),
    utf8User: hasUserArgument("UTF8"),
    lang: tags.has("LANG"),
  };
}

/** RFC 2449 §6.5/§6.7 numbers are decimal digits; anything else (or absurdly large) is ignored. */
function parseSeconds(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d{1,9}$/.test(word)) return undefined;
  return Number(word);
}

function parseExpire(words: readonly string[]): Pop3Expire | undefined {
  const first = words[0];
  const perUser = words.some((word) => word.toUpperCase() === "USER");
  if (first?.toUpperCase() === "NEVER") return { days: "never", perUser };
  const days = parseSeconds(first);
  return days === undefined ? undefined : { days, perUser };
}
