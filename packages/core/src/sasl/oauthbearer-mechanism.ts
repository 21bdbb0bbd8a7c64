import type { TokenProvider } from "../auth/token-provider.js";
import { redactSecrets } from "../diagnostics/redact.js";
import { InvalidArgumentError, ProtocolError } from "../errors/error-classes.js";
import { parseOAuthError } from "./oauth-error.js";
import { encodeUtf8, escapeSaslName } from "./sasl-encoding.js";
import { type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface OAuthBearerMechanismOptions {
  readonly username: string;
  readonly token: TokenProvider;
  /** Ask the provider for a fresh token: set on the one retry after the server rejected a token. */
  readonly forceRefresh?: boolean | undefined;
  /** Server host name as the client sees it (RFC 7628 §3.1 "host" key). */
  readonly host?: string | undefined;
  /** Server port (RFC 7628 §3.1 "port" key). */
  readonly port?: number | undefined;
}

const KVSEP = "\x01";

/**
 * OAUTHBEARER (RFC 7628). Client response (§3.1):
 * `gs2-header ^A host=h ^A port=p ^A auth=Bearer t ^A ^A`, the gs2 header carrying the
 * user as authorization identity (`n,a=user,`). On failure the server sends a JSON error
 * challenge and the client must answer with a lone ^A (§3.2.3) before the server fails.
 */
export class OAuthBearerMechanism implements SaslMechanism {
  readonly name = SaslMechanismName.OAUTHBEARER;
  readonly clientFirst = true;
  readonly exposesReusableSecret = true;
  readonly #username: string;
  readonly #token: TokenProvider;
  readonly #forceRefresh: boolean;
  readonly #host: string | undefined;
  readonly #port: number | undefined;
  #step = 0;
  #failure: Record<string, string> = {};
  /** Kept only so `redact` can scrub it from server text; never serialized. */
  #sentToken: string | undefined;

  constructor(options: OAuthBearerMechanismOptions) {
    if (/[\x00-\x1f\x7f]/.test(options.username) || /[\x00-\x1f\x7f]/.test(options.host ?? "")) {
      throw new InvalidArgumentError("OAUTHBEARER: username and host must not contain control characters");
    }
    if (
      options.port !== undefined &&
      !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
    ) {
      throw new InvalidArgumentError("OAUTHBEARER: port must be an integer from 1 to 65535");
    }
    this.#username = options.username;
    this.#token = options.token;
    this.#forceRefresh = options.forceRefresh ?? false;
    this.#host = options.host;
    this.#port = options.port;
  }

  async respond(challenge: Uint8Array): Promise<Uint8Array> {
    const step = this.#step++;
    if (step === 0) {
      const token = await this.#token({ forceRefresh: this.#forceRefresh });
      this.#sentToken = token;
      // RFC 7628 §3.1 / RFC 6750 §2.1: b64token characters only, so no ^A can slip in.
      if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
        throw new InvalidArgumentError("OAUTHBEARER: token provider returned an empty or malformed token");
      }
      const pairs: string[] = [];
      if (this.#host !== undefined) pairs.push(`host=${this.#host}`);
      if (this.#port !== undefined) pairs.push(`port=${this.#port}`);
      pairs.push(`auth=Bearer ${token}`);
      const gs2Header = `n,a=${escapeSaslName(this.#username)},`;
      return encodeUtf8(`${gs2Header}${KVSEP}${pairs.map((pair) => pair + KVSEP).join("")}${KVSEP}`);
    }
    if (step === 1) {
      this.#failure = parseOAuthError(challenge);
      // RFC 7628 §3.2.3: the dummy response is a single %x01.
      return encodeUtf8(KVSEP);
    }
    throw new ProtocolError("OAUTHBEARER: server kept challenging after the error step");
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return { ...this.#failure };
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#sentToken]);
  }
}
