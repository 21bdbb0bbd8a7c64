import type { TokenProvider } from "../../auth/token-provider.js";
import { AuthError } from "../../errors/error-classes.js";
import { isMailwireError } from "../../errors/mailwire-error.js";
import type { AuthProvider } from "./auth-provider.js";

/**
 * OAuth2 Bearer (RFC 6750). Two attempts: the cached token, then, if the server rejects
 * it, one fresh token (`forceRefresh`). A second rejection ends it; refreshing again
 * would only loop.
 */
export function bearerProvider(tokenProvider: TokenProvider): AuthProvider {
  return {
    scheme: "Bearer",
    connectionBound: false,
    maxAttempts: 2,
    requiresSecureTransport: true,
    createSession: ({ attempt }) => ({
      next: async () => {
        try {
          return await tokenProvider({ forceRefresh: attempt > 0 });
        } catch (error) {
          if (isMailwireError(error)) throw error;
          throw new AuthError("the token provider failed", { cause: error });
        }
      },
    }),
  };
}
