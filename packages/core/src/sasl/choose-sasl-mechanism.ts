import { AuthError, InvalidArgumentError } from "../errors/error-classes.js";
import { ErrorCode } from "../errors/error-codes.js";
import { type SaslCredentials, SaslMechanismName } from "./sasl-mechanism.js";
import { SaslMechanismTraits } from "./sasl-mechanism-traits.js";

/**
 * Strongest first. Passwords: SCRAM proves both sides and keeps the password off the wire;
 * NTLM keeps it off the wire and is what Exchange offers; CRAM-MD5 too, but with a weak
 * hash and no server proof; PLAIN and LOGIN send it, PLAIN in one standard message.
 * Tokens: OAUTHBEARER is the standard (RFC 7628), XOAUTH2 its vendor predecessor.
 */
export const SaslPreferenceOrder: Readonly<Record<SaslCredentials["kind"], readonly SaslMechanismName[]>> = {
  password: [
    SaslMechanismName.SCRAM_SHA_256,
    SaslMechanismName.SCRAM_SHA_1,
    SaslMechanismName.NTLM,
    SaslMechanismName.CRAM_MD5,
    SaslMechanismName.PLAIN,
    SaslMechanismName.LOGIN,
  ],
  oauth2: [SaslMechanismName.OAUTHBEARER, SaslMechanismName.XOAUTH2],
};

export interface SaslSelectionOptions {
  /** Mechanisms the server advertised (IMAP `AUTH=` capabilities, POP3 `CAPA` SASL line), any case. */
  readonly offered: readonly string[];
  readonly credentials: SaslCredentials;
  /** True when the connection is TLS-protected (implicit TLS or after STARTTLS/STLS). */
  readonly transportEncrypted: boolean;
  /** Permit mechanisms that send the password or token over an unencrypted connection. */
  readonly allowInsecureAuth?: boolean | undefined;
  /** Consider only these mechanisms, in this order, instead of the preference order. */
  readonly force?: readonly string[] | undefined;
  /** Never use these mechanisms (e.g. one a server is known to botch). */
  readonly exclude?: readonly string[] | undefined;
}

const MAX_LISTED = 32;

/**
 * Picks the mechanism to use, without creating it. Throws AuthError MW_INSECURE_AUTH_REFUSED
 * when the only usable mechanisms would expose the secret in the clear, and AuthError
 * MW_AUTH_UNSUPPORTED when none fits; both list what the server offered, never credentials.
 */
export function chooseSaslMechanism(options: SaslSelectionOptions): SaslMechanismName {
  const kind = options.credentials.kind;
  const offered = new Set(options.offered.map((name) => name.toUpperCase()));
  const excluded = new Set((options.exclude ?? []).map((name) => name.toUpperCase()));
  const order = options.force
    ? options.force.map((name) => checkForced(name, kind))
    : SaslPreferenceOrder[kind];
  const candidates = order.filter((name) => offered.has(name) && !excluded.has(name));
  const offeredList = listForError(options.offered);

  const insecure = !options.transportEncrypted && options.allowInsecureAuth !== true;
  const usable = insecure
    ? candidates.filter((name) => !SaslMechanismTraits[name].exposesReusableSecret)
    : candidates;
  const chosen = usable[0];
  if (chosen !== undefined) return chosen;

  if (candidates.length > 0) {
    const secret = kind === "password" ? "password" : "access token";
    throw new AuthError(
      `Refusing ${candidates.join(", ")} over an unencrypted connection: it would send the ${secret} in the clear. ` +
        "Use TLS (or STARTTLS), or set allowInsecureAuth: true.",
      {
        code: ErrorCode.INSECURE_AUTH_REFUSED,
        details: { refused: candidates, offered: offeredList },
      },
    );
  }
  throw new AuthError(
    `No usable SASL mechanism for ${kind} credentials: server offered ${offeredList.join(", ") || "none"}` +
      (options.force ? `; allowed ${order.join(", ")}` : "") +
      (excluded.size > 0 ? `; excluded ${[...excluded].join(", ")}` : ""),
    {
      code: ErrorCode.AUTH_UNSUPPORTED,
      details: {
        offered: offeredList,
        supported: [...order],
        ...(excluded.size > 0 && { excluded: listForError([...excluded]) }),
      },
    },
  );
}

function checkForced(name: string, kind: SaslCredentials["kind"]): SaslMechanismName {
  const upper = name.toUpperCase();
  const known = SaslPreferenceOrder[kind].find((candidate) => candidate === upper);
  if (known === undefined) {
    throw new InvalidArgumentError(
      `Cannot force SASL mechanism ${JSON.stringify(name)} with ${kind} credentials`,
      {
        details: { mechanism: name, credential: kind },
      },
    );
  }
  return known;
}

/** Server-supplied names go into messages, so keep them short, printable and few. */
function listForError(names: readonly string[]): string[] {
  return names.slice(0, MAX_LISTED).map((name) => name.replace(/[^\x21-\x7e]/g, "?").slice(0, 40));
}
