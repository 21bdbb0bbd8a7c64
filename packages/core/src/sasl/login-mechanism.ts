import { redactSecrets } from "../diagnostics/redact.js";
import { ProtocolError } from "../errors/error-classes.js";
import { encodeUtf8 } from "./sasl-encoding.js";
import { type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface LoginMechanismOptions {
  readonly username: string;
  readonly password: string;
}

/**
 * LOGIN (draft-murchison-sasl-login, never an RFC but what Exchange and many servers
 * still offer): the server prompts twice ("Username:", "Password:") and the client
 * answers with each in turn. The prompt text varies between servers, so the answer is
 * chosen by position, not by reading the prompt.
 */
export class LoginMechanism implements SaslMechanism {
  readonly name = SaslMechanismName.LOGIN;
  readonly clientFirst = false;
  readonly exposesReusableSecret = true;
  readonly #username: string;
  readonly #password: string;
  #step = 0;

  constructor(options: LoginMechanismOptions) {
    this.#username = options.username;
    this.#password = options.password;
  }

  respond(_challenge: Uint8Array): Uint8Array {
    const step = this.#step++;
    if (step === 0) return encodeUtf8(this.#username);
    if (step === 1) return encodeUtf8(this.#password);
    throw new ProtocolError("LOGIN: server sent a third prompt");
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return {};
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#password]);
  }
}
