import type { HttpClientOptions } from "../types.js";
import type { AuthProvider } from "./auth-provider.js";
import { basicProvider } from "./basic-provider.js";
import { bearerProvider } from "./bearer-provider.js";
import { ntlmProvider } from "./ntlm-provider.js";

/**
 * The providers a client can offer, strongest first: the caller's own (Negotiate /
 * Kerberos), then NTLM (password never leaves the machine), Bearer, and Basic last.
 */
export function defaultProviders(options: HttpClientOptions): AuthProvider[] {
  const providers: AuthProvider[] = [...(options.authProviders ?? [])];
  const credentials = options.credentials;
  const { username, password } = credentials ?? {};
  const hasPassword = username !== undefined && password !== undefined;
  if (hasPassword) {
    providers.push(
      ntlmProvider({
        username,
        password,
        domain: credentials?.domain,
        workstation: credentials?.workstation,
      }),
    );
  }
  if (credentials?.tokenProvider) providers.push(bearerProvider(credentials.tokenProvider));
  if (hasPassword) providers.push(basicProvider(username, password));
  return providers;
}
