import { randomBytes } from "node:crypto";

// Bearer tokens the test issues through the simulator (RFC 6750). Opaque random strings with an
// expiry, so clients can be tested for refresh-on-expiry.

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
}

export type TokenCheck = "valid" | "expired" | "unknown";

export class BearerTokens {
  readonly #tokens = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  issue(expiresInMs = 3_600_000): IssuedToken {
    const accessToken = randomBytes(24).toString("base64url");
    const expiresAt = this.now() + expiresInMs;
    this.#tokens.set(accessToken, expiresAt);
    return { accessToken, expiresAt: new Date(expiresAt) };
  }

  revoke(accessToken: string): void {
    this.#tokens.delete(accessToken);
  }

  check(accessToken: string): TokenCheck {
    const expiresAt = this.#tokens.get(accessToken);
    if (expiresAt === undefined) return "unknown";
    return this.now() < expiresAt ? "valid" : "expired";
  }
}
