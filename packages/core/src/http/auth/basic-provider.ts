import type { AuthProvider } from "./auth-provider.js";

/** RFC 7617 Basic: user-pass in UTF-8, base64. Sent only over TLS unless the caller allows otherwise. */
export function basicProvider(username: string, password: string): AuthProvider {
  return {
    scheme: "Basic",
    connectionBound: false,
    requiresSecureTransport: true,
    createSession: () => ({
      next: () => Buffer.from(`${username}:${password}`, "utf8").toString("base64"),
    }),
  };
}
