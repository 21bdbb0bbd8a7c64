import type { AuthScheme } from "./credentials.js";

// WWW-Authenticate values for a 401, one per enabled scheme (RFC 9110 11.6.1 allows several).

export interface ChallengeContext {
  schemes: readonly AuthScheme[];
  realm: string;
  /** RFC 6750 3.1: set when the request carried a bearer token that was rejected. */
  bearerError?: { error: "invalid_token"; description: string };
}

export function wwwAuthenticate({ schemes, realm, bearerError }: ChallengeContext): string[] {
  return schemes.map((scheme) => {
    if (scheme === "ntlm") return "NTLM";
    if (scheme === "basic") return `Basic realm="${realm}"`;
    // RFC 6750 3: no error code when the request had no token at all.
    return bearerError
      ? `Bearer realm="${realm}", error="${bearerError.error}", error_description="${bearerError.description}"`
      : `Bearer realm="${realm}"`;
  });
}
