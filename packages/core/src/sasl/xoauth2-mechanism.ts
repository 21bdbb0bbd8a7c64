import type { TokenProvider } from "../auth/token-provider.js";
import { redactSecrets } from "../diagnostics/redact.js";
import { InvalidArgumentError, ProtocolError } from "../errors/error-classes.js";
import { parseOAuthError } from "./oauth-error.js";
import { encodeUtf8 } from "./sasl-encoding.js";
import { EMPTY_RESPONSE, type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface Xoauth2MechanismOptions {
  readonly username: string;
  readonly token: TokenProvider;
  /** Ask the provider for a fresh token: set on the one retry after the server rejected a token. */
  readonly forceRefresh?: boolean | undefined;
}

/**
 * XOAUTH2 (Google's and Microsoft's pre-RFC 7628 form, still what Exchange Online and
 * Gmail document): `user=<name>^Aauth=Bearer <token>^A^A`. On a rejected token the server
 * sends a base64 JSON error as a challenge and expects an empty response before it sends
 * the failure; that JSON's status is kept for the AuthError details, the token never is.
 */
export class Xoauth2Mechanism implements SaslMechanism {
  readonly name = SaslMechanismName.XOAUTH2;
  readonly clientFirst = true;
  readonly exposesReusableSecret = true;
  readonly #username: string;
  readonly #token: TokenProvider;
  readonly #forceRefresh: boolean;
  #step = 0;
  #failure: Record<string, string> = {};
  /** Kept only so `redact` can scrub it from server text; never serialized. */
  #sentToken: string | undefined;

  constructor(options: Xoauth2MechanismOptions) {
    if (options.username.includes("\x01")) {
      throw new InvalidArgumentError("XOAUTH2: username must not contain ^A", {
        details: { field: "username" },
      });
    }
    this.#username = options.username;
    this.#token = options.token;
    this.#forceRefresh = options.forceRefresh ?? false;
  }

  async respond(challenge: Uint8Array): Promise<Uint8Array> {
    const step = this.#step++;
    if (step === 0) {
      const token = await this.#token({ forceRefresh: this.#forceRefresh });
      this.#sentToken = token;
      // ^A separates the fields; a token containing it (or a line break) would corrupt the message.
      if (/[\x00-\x1f\x7f]/.test(token) || token === "") {
        throw new InvalidArgumentError("XOAUTH2: token provider returned an empty or malformed token");
      }
      return encodeUtf8(`user=${this.#username}\x01auth=Bearer ${token}\x01\x01`);
    }
    if (step === 1) {
      this.#failure = parseOAuthError(challenge);
      return EMPTY_RESPONSE;
    }
    throw new ProtocolError("XOAUTH2: server kept challenging after the error step");
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return { ...this.#failure };
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#sentToken]);
  }
}
