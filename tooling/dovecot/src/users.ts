import type { SeedUser } from "./seed.js";

export type DovecotUserRole = "fixture" | "second" | "unicode";

export interface DovecotUser {
  /** `fixture`: owns the seeded mailbox; `second`: an empty INBOX; `unicode`: non-ASCII password. */
  readonly role: DovecotUserRole;
  readonly username: string;
  readonly password: string;
  readonly address: string;
  /** IMAP mailbox name → messages seeded there. */
  readonly messageCounts: Readonly<Record<string, number>>;
}

export const DEFAULT_DOMAIN = "mailwire.test";

/** The fixture user when a seed brings none. */
export const DEFAULT_FIXTURE_USER: SeedUser = {
  username: "fixture.user",
  password: "fixture-password-1",
  address: `fixture.user@${DEFAULT_DOMAIN}`,
  domain: DEFAULT_DOMAIN,
};

/** A second account, for tests that must not see the fixture mailbox (or log in twice). */
export function secondUser(domain: string): SeedUser {
  return { username: "second.user", password: "second-password-2", address: `second.user@${domain}`, domain };
}

/**
 * A password outside ASCII for SASLprep (RFC 4013) tests. It is already in NFKC form and has no
 * mapped or prohibited characters, so SASLprep leaves it as is and every mechanism — LOGIN, PLAIN,
 * CRAM-MD5, SCRAM, APOP — sees the same UTF-8 bytes that Dovecot stores.
 */
export function unicodeUser(domain: string): SeedUser {
  return {
    username: "unicode.user",
    password: "pässwörd-Ωμέγα-日本語",
    address: `unicode.user@${domain}`,
    domain,
  };
}

/** One passwd-file line: `user:{PLAIN}password:uid:gid::home::` (Dovecot's passwd-file format). */
export function passwdLine(user: SeedUser, home: string): string {
  for (const [field, value] of [
    ["username", user.username],
    ["password", user.password],
  ] as const) {
    if (/[:\r\n]/.test(value))
      throw new Error(`${field} of ${user.username} cannot hold ":" or a line break`);
  }
  // Dovecot lower-cases the login name (auth_username_format = %Lu) before the lookup.
  return `${user.username.toLowerCase()}:{PLAIN}${user.password}::::${home}::`;
}
