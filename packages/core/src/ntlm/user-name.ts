import { InvalidArgumentError } from "../errors/error-classes.js";

export interface NtlmIdentity {
  /** Sent as UserName and used, uppercased, in NTOWFv2. */
  readonly userName: string;
  /** Sent as DomainName and used as-is in NTOWFv2. */
  readonly domain: string;
}

/**
 * Splits the forms a user types into NTLM's User and UserDom (MS-NLMP 3.1.1.1):
 * - `DOMAIN\user`: down-level logon name; DomainName is DOMAIN.
 * - `user@contoso.com`: a UPN. The whole UPN is the UserName and DomainName is empty; the
 *   DC resolves the UPN itself (this is what Windows sends for UPN credentials).
 * - `user` with `domain` given separately.
 * A separately given `domain` wins for a UPN; with `DOMAIN\user` the two must agree.
 */
export function parseNtlmUserName(username: string, domain?: string): NtlmIdentity {
  if (typeof username !== "string" || username.length === 0) {
    throw new InvalidArgumentError("NTLM needs a non-empty username");
  }
  const slash = username.indexOf("\\");
  if (slash >= 0) {
    const prefix = username.slice(0, slash);
    const userName = username.slice(slash + 1);
    if (prefix.length === 0 || userName.length === 0) {
      throw new InvalidArgumentError("A DOMAIN\\user name needs both a domain and a user part");
    }
    if (domain !== undefined && domain !== "" && domain.toUpperCase() !== prefix.toUpperCase()) {
      throw new InvalidArgumentError("The domain option contradicts the DOMAIN\\ prefix of the username");
    }
    return { userName, domain: prefix };
  }
  return { userName: username, domain: domain ?? "" };
}

/**
 * Uppercase as Windows does for NTOWFv2 (MS-NLMP 3.3.2 "Uppercase(User)"): one UTF-16 code
 * unit at a time. String.prototype.toUpperCase can change the length ("ß" → "SS"), which
 * Windows never does, so such characters are left as they are.
 */
export function ntlmUppercase(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charAt(i);
    const upper = unit.toUpperCase();
    out += upper.length === 1 ? upper : unit;
  }
  return out;
}
