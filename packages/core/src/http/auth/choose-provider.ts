import { AuthError } from "../../errors/error-classes.js";
import { ErrorCode } from "../../errors/error-codes.js";
import type { AuthProvider } from "./auth-provider.js";
import type { AuthChallenge } from "./challenge.js";

/**
 * Picks the first provider (in our preference order) whose scheme the server offers.
 * Providers are listed strongest first: caller-supplied ones (Negotiate), then NTLM,
 * Bearer, Basic. A scheme that would expose a secret over plain http is skipped, and if
 * that leaves nothing the caller hears why (MW_INSECURE_AUTH_REFUSED) rather than
 * "unsupported".
 */
export function chooseProvider(
  providers: readonly AuthProvider[],
  challenges: readonly AuthChallenge[],
  url: URL,
  allowInsecureAuth: boolean,
): AuthProvider {
  const offered = new Set(challenges.map((challenge) => challenge.scheme));
  const insecure = url.protocol === "http:";
  let refusedAsInsecure = false;
  for (const provider of providers) {
    if (!offered.has(provider.scheme.toLowerCase())) continue;
    if (insecure && provider.requiresSecureTransport && !allowInsecureAuth) {
      refusedAsInsecure = true;
      continue;
    }
    return provider;
  }
  const details = { offered: [...offered], available: providers.map((provider) => provider.scheme) };
  if (refusedAsInsecure) {
    throw new AuthError("refusing to send credentials in clear text over http://", {
      code: ErrorCode.INSECURE_AUTH_REFUSED,
      details,
    });
  }
  throw new AuthError("the server offers no authentication scheme we can use", {
    code: ErrorCode.AUTH_UNSUPPORTED,
    details,
  });
}
