import {
  AuthError,
  type AuthProvider,
  basicProvider,
  bearerProvider,
  ErrorCode,
  type HttpCredentials,
  ntlmProvider,
} from "@mailwire/core";

/** What the account has been seen to use during one discovery. */
export interface AuthObservations {
  /** Schemes stronger than Basic (NTLM, Negotiate, Bearer, ...) that some server offered and we used. */
  readonly strongSchemes: ReadonlySet<string>;
}

export interface GuardedProviders {
  providers: AuthProvider[];
  observations: AuthObservations;
}

/**
 * The providers discover() gives its authenticated HTTP client: the caller's own
 * (Negotiate), NTLM, Bearer, and a guarded Basic. Core's client already prefers the
 * strongest scheme a single server offers; this adds the rule across servers (the issue's
 * "no auth downgrade"): once any server offered NTLM/Negotiate/OAuth for this account — or
 * the caller gave a token provider — a server asking only for Basic does not get the
 * password, unless `basicAuth` is "always". The refusal happens in createSession, before
 * an Authorization header exists.
 *
 * Limit: a server is observed only when its scheme is used, so a Basic-only server that
 * answers before any NTLM server is reached can still get Basic when nothing stronger is
 * known yet (core does not tell us the schemes a 401 offered but we did not pick);
 * `basicAuth: "never"` closes that gap.
 */
export function guardedProviders(options: {
  credentials: HttpCredentials | undefined;
  authProviders: readonly AuthProvider[] | undefined;
  basicAuth: "never" | "no-downgrade" | "always";
}): GuardedProviders {
  const strongSchemes = new Set<string>();
  const observe = (provider: AuthProvider): AuthProvider => ({
    scheme: provider.scheme,
    connectionBound: provider.connectionBound,
    ...(provider.maxAttempts === undefined ? {} : { maxAttempts: provider.maxAttempts }),
    ...(provider.requiresSecureTransport === undefined
      ? {}
      : { requiresSecureTransport: provider.requiresSecureTransport }),
    createSession: (context) => {
      strongSchemes.add(provider.scheme.toLowerCase());
      return provider.createSession(context);
    },
  });
  const providers: AuthProvider[] = (options.authProviders ?? []).map(observe);
  const { username, password, domain, workstation, tokenProvider } = options.credentials ?? {};
  const hasPassword = username !== undefined && password !== undefined;
  if (hasPassword) providers.push(observe(ntlmProvider({ username, password, domain, workstation })));
  if (tokenProvider !== undefined) {
    strongSchemes.add("bearer");
    providers.push(observe(bearerProvider(tokenProvider)));
  }
  if (hasPassword && options.basicAuth !== "never") {
    const basic = basicProvider(username, password);
    providers.push({
      scheme: basic.scheme,
      connectionBound: basic.connectionBound,
      requiresSecureTransport: true,
      createSession: (context) => {
        if (options.basicAuth !== "always" && strongSchemes.size > 0) {
          throw new AuthError(
            `refusing Basic: this account was offered ${[...strongSchemes].join(", ")} and basicAuth is not "always"`,
            {
              code: ErrorCode.INSECURE_AUTH_REFUSED,
              details: { reason: "auth-downgrade", url: context.url.origin },
            },
          );
        }
        return basic.createSession(context);
      },
    });
  } else if (hasPassword) {
    providers.push({
      scheme: "Basic",
      connectionBound: false,
      createSession: (context) => {
        throw new AuthError('refusing Basic: basicAuth is "never"', {
          code: ErrorCode.INSECURE_AUTH_REFUSED,
          details: { reason: "basic-disabled", url: context.url.origin },
        });
      },
    });
  }
  return { providers, observations: { strongSchemes } };
}
