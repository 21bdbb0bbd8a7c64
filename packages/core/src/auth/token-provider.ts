/**
 * Where OAuth2 access tokens come from, for HTTP Bearer and for SASL XOAUTH2/OAUTHBEARER
 * alike. mailwire never stores or refreshes tokens itself: it asks. `forceRefresh` is true
 * exactly once after the server rejected the token just used; a second rejection ends the
 * attempt, so a provider that keeps returning a bad token cannot cause a loop.
 */
export type TokenProvider = (options: { readonly forceRefresh: boolean }) => Promise<string> | string;
