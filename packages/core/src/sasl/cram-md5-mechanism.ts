import { createHmac } from "node:crypto";
import { redactSecrets } from "../diagnostics/redact.js";
import { ProtocolError } from "../errors/error-classes.js";
import { encodeUtf8 } from "./sasl-encoding.js";
import { type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface CramMd5MechanismOptions {
  readonly username: string;
  readonly password: string;
}

/**
 * CRAM-MD5 (RFC 2195): the server sends a unique challenge, the client answers
 * `username SP hex(HMAC-MD5(password, challenge))`. The password itself never crosses the
 * wire, so it is not a reusable secret, though a captured exchange can be attacked offline;
 * the policy ranks it below SCRAM and NTLM for that reason.
 */
export class CramMd5Mechanism implements SaslMechanism {
  readonly name = SaslMechanismName.CRAM_MD5;
  readonly clientFirst = false;
  readonly exposesReusableSecret = false;
  readonly #username: string;
  readonly #password: string;
  #step = 0;

  constructor(options: CramMd5MechanismOptions) {
    this.#username = options.username;
    this.#password = options.password;
  }

  respond(challenge: Uint8Array): Uint8Array {
    if (this.#step++ > 0) throw new ProtocolError("CRAM-MD5: server sent a second challenge");
    // RFC 2195 §2: a server must send a fresh challenge; an empty one would make the digest replayable.
    if (challenge.length === 0) throw new ProtocolError("CRAM-MD5: server sent an empty challenge");
    // RFC 2195 §2: the digest is lowercase hex, and the password is the HMAC key.
    const digest = createHmac("md5", this.#password).update(challenge).digest("hex");
    return encodeUtf8(`${this.#username} ${digest}`);
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return {};
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#password]);
  }
}
