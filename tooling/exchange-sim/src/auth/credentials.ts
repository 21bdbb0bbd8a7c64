// The one account the simulator knows, and the user-name forms Exchange accepts for it.

export interface SimCredentials {
  username: string;
  password: string;
  /** NetBIOS domain, e.g. "MAILWIRE". */
  domain: string;
  email: string;
}

export type AuthScheme = "ntlm" | "basic" | "bearer";

export interface AuthenticatedUser {
  username: string;
  domain: string;
  email: string;
  scheme: AuthScheme;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The DNS domain is the part of the e-mail address after "@". */
export function dnsDomain(credentials: SimCredentials): string {
  return credentials.email.slice(credentials.email.indexOf("@") + 1);
}

/**
 * True when `user` (and `domain`, possibly empty) name the account: the SAM name with the NetBIOS
 * or DNS domain or none, or a UPN (`user@dns-domain`, or the e-mail address) with no domain.
 */
export function namesAccount(credentials: SimCredentials, user: string, domain: string): boolean {
  if (user.includes("@")) {
    const upn = `${credentials.username}@${dnsDomain(credentials)}`;
    return domain === "" && (same(user, upn) || same(user, credentials.email));
  }
  return (
    same(user, credentials.username) &&
    (domain === "" || same(domain, credentials.domain) || same(domain, dnsDomain(credentials)))
  );
}

/** Splits a Basic user-id: "DOMAIN\\user", "user@domain" (kept whole, a UPN) or "user". */
export function splitUserId(userId: string): { user: string; domain: string } {
  const slash = userId.indexOf("\\");
  return slash >= 0
    ? { user: userId.slice(slash + 1), domain: userId.slice(0, slash) }
    : { user: userId, domain: "" };
}
