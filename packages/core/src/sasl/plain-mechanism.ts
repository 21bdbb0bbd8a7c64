import { redactSecrets } from "../diagnostics/redact.js";
import { InvalidArgumentError, ProtocolError } from "../errors/error-classes.js";
import { encodeUtf8 } from "./sasl-encoding.js";
import { type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface PlainMechanismOptions {
  readonly username: string;
  readonly password: string;
  /** Identity to act as; empty or absent means "the identity I authenticate as" (RFC 4616 §2). */
  readonly authorizationId?: string | undefined;
}

/**
 * PLAIN (RFC 4616): one client message, `authzid NUL authcid NUL passwd` in UTF-8. The
 * password crosses the wire as is, hence `exposesReusableSecret`. Preparation (SASLprep)
 * is the server's job here (RFC 4616 §2), so the strings are sent as given.
 */
export class PlainMechanism implements SaslMechanism {
  readonly name = SaslMechanismName.PLAIN;
  readonly clientFirst = true;
  readonly exposesReusableSecret = true;
  readonly #username: string;
  readonly #password: string;
  readonly #authorizationId: string;
  #step = 0;

  constructor(options: PlainMechanismOptions) {
    // RFC 4616 §2: NUL separates the fields, so none of them may contain it.
    for (const [field, value] of [
      ["username", options.username],
      ["password", options.password],
      ["authorizationId", options.authorizationId ?? ""],
    ] as const) {
      if (value.includes("\0")) {
        throw new InvalidArgumentError(`PLAIN: ${field} must not contain NUL`, { details: { field } });
      }
    }
    this.#username = options.username;
    this.#password = options.password;
    this.#authorizationId = options.authorizationId ?? "";
  }

  respond(_challenge: Uint8Array): Uint8Array {
    if (this.#step++ > 0) throw new ProtocolError("PLAIN: server sent a challenge after the only message");
    return encodeUtf8(`${this.#authorizationId}\0${this.#username}\0${this.#password}`);
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return {};
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#password]);
  }
}
