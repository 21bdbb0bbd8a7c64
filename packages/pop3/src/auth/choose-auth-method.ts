import { AuthError, ErrorCode, InvalidArgumentError } from "@mailwire/core";
import type { Pop3Capabilities } from "../codec/capabilities.js";
import { isTokenAuth, type Pop3Auth, Pop3AuthMethod } from "./pop3-auth.js";

/**
 * Strongest first. SCRAM proves both sides and keeps the password off the wire; NTLM (what
 * Exchange offers) and CRAM-MD5 keep it off the wire; APOP does too, with MD5 over a server
 * timestamp (weaker than CRAM-MD5 only in being older); PLAIN, LOGIN and USER/PASS send it.
 */
const PASSWORD_ORDER: readonly Pop3AuthMethod[] = [
  Pop3AuthMethod.SCRAM_SHA_256,
  Pop3AuthMethod.SCRAM_SHA_1,
  Pop3AuthMethod.NTLM,
  Pop3AuthMethod.CRAM_MD5,
  Pop3AuthMethod.APOP,
  Pop3AuthMethod.PLAIN,
  Pop3AuthMethod.LOGIN,
  Pop3AuthMethod.USER,
];

/** RFC 7628 OAUTHBEARER is the standard; XOAUTH2 is what Exchange Online and Gmail speak. */
const TOKEN_ORDER: readonly Pop3AuthMethod[] = [Pop3AuthMethod.OAUTHBEARER, Pop3AuthMethod.XOAUTH2];

/** Methods that put a reusable secret (password or bearer token) on the wire. */
const EXPOSES_SECRET: ReadonlySet<string> = new Set([
  Pop3AuthMethod.PLAIN,
  Pop3AuthMethod.LOGIN,
  Pop3AuthMethod.USER,
  Pop3AuthMethod.OAUTHBEARER,
  Pop3AuthMethod.XOAUTH2,
]);

export interface AuthMethodChoice {
  readonly auth: Pop3Auth;
  readonly capabilities: Pop3Capabilities;
  /** The server answered CAPA; without it only RFC 1939 USER/PASS and APOP can be assumed. */
  readonly capaSupported: boolean;
  /** The greeting's APOP timestamp, when it had one. */
  readonly apopTimestamp: string | undefined;
  readonly transportEncrypted: boolean;
  readonly allowInsecureAuth?: boolean | undefined;
  /** Only these methods, in this order (names of Pop3AuthMethod, any case). */
  readonly mechanisms?: readonly string[] | undefined;
}

/**
 * Picks the one method to log in with. There is no fallback to a second method after a
 * failure: a refused password is not tried again (accounts lock, and a second, weaker method
 * would only expose it more). Throws AuthError MW_INSECURE_AUTH_REFUSED when only methods that
 * would send the secret in the clear are left, MW_AUTH_UNSUPPORTED when none fits.
 */
export function chooseAuthMethod(choice: AuthMethodChoice): Pop3AuthMethod {
  const token = isTokenAuth(choice.auth);
  const allowed = token ? TOKEN_ORDER : PASSWORD_ORDER;
  const order = choice.mechanisms
    ? choice.mechanisms.map((name) => {
        const upper = name.toUpperCase();
        const known = allowed.find((method) => method === upper);
        if (known === undefined) {
          throw new InvalidArgumentError(
            `Cannot use ${JSON.stringify(name)} with ${token ? "token" : "password"} credentials; ` +
              `choose from ${allowed.join(", ")}`,
          );
        }
        return known;
      })
    : allowed;
  const offered = (method: Pop3AuthMethod): boolean => {
    if (method === Pop3AuthMethod.APOP) return choice.apopTimestamp !== undefined;
    // RFC 2449 §6.2: a server with CAPA lists USER when it takes USER/PASS; one without CAPA is RFC 1939 only.
    if (method === Pop3AuthMethod.USER) return choice.capabilities.user || !choice.capaSupported;
    return choice.capabilities.sasl.includes(method);
  };
  const candidates = order.filter(offered);
  const secure = choice.transportEncrypted || choice.allowInsecureAuth === true;
  const usable = secure ? candidates : candidates.filter((method) => !EXPOSES_SECRET.has(method));
  const chosen = usable[0];
  if (chosen !== undefined) return chosen;
  const offeredList = [
    ...(choice.apopTimestamp !== undefined ? ["APOP"] : []),
    ...(choice.capabilities.user ? ["USER"] : []),
    ...choice.capabilities.sasl.map((name) => `SASL ${name}`.slice(0, 45)),
  ].slice(0, 32);
  if (candidates.length > 0) {
    throw new AuthError(
      `Refusing ${candidates.join(", ")} over an unencrypted connection: it would send the ` +
        `${token ? "access token" : "password"} in the clear. Use TLS, or set allowInsecureAuth: true.`,
      { code: ErrorCode.INSECURE_AUTH_REFUSED, details: { refused: candidates, offered: offeredList } },
    );
  }
  throw new AuthError(
    `No usable POP3 login method for ${token ? "token" : "password"} credentials: server offers ` +
      `${offeredList.join(", ") || "none"}; we can use ${order.join(", ")}`,
    { code: ErrorCode.AUTH_UNSUPPORTED, details: { offered: offeredList, supported: [...order] } },
  );
}

/** True for methods that run as SASL AUTH (RFC 5034) rather than an RFC 1939 command. */
export function isSaslMethod(method: Pop3AuthMethod): boolean {
  return method !== Pop3AuthMethod.APOP && method !== Pop3AuthMethod.USER;
}
