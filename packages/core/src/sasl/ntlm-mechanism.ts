import { redactSecrets } from "../diagnostics/redact.js";
import { ProtocolError } from "../errors/error-classes.js";
import { NtlmClient } from "../ntlm/index.js";
import { type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";

export interface NtlmMechanismOptions {
  readonly username: string;
  readonly password: string;
  readonly domain?: string | undefined;
  readonly workstation?: string | undefined;
  /** DER certificate of the TLS server, for the channel-binding hash (MS-NLMP 3.1.5.2.2). */
  readonly serverCertificate?: Uint8Array | undefined;
  /** Service principal name for the MsvAvTargetName AV pair, e.g. `imap/mail.contoso.com`. */
  readonly targetName?: string | undefined;
}

/**
 * NTLM as a SASL mechanism (what Exchange advertises as AUTH=NTLM for IMAP and POP3,
 * MS-OXIMAP / MS-OXPOP3): the client opens with NEGOTIATE, the server answers with
 * CHALLENGE, the client finishes with AUTHENTICATE. All message work is NtlmClient's.
 */
export class NtlmMechanism implements SaslMechanism {
  readonly name = SaslMechanismName.NTLM;
  readonly clientFirst = true;
  readonly exposesReusableSecret = false;
  readonly #client: NtlmClient;
  readonly #password: string;
  #step = 0;

  constructor(options: NtlmMechanismOptions) {
    this.#password = options.password;
    // exactOptionalPropertyTypes: pass only the options the caller set.
    this.#client = new NtlmClient({
      username: options.username,
      password: options.password,
      ...(options.domain !== undefined && { domain: options.domain }),
      ...(options.workstation !== undefined && { workstation: options.workstation }),
      ...(options.serverCertificate !== undefined && { serverCertificate: options.serverCertificate }),
      ...(options.targetName !== undefined && { targetName: options.targetName }),
    });
  }

  respond(challenge: Uint8Array): Uint8Array {
    const step = this.#step++;
    if (step === 0) return this.#client.createNegotiate();
    if (step === 1) {
      if (challenge.length === 0) throw new ProtocolError("NTLM: server sent an empty CHALLENGE message");
      return this.#client.createAuthenticate(challenge);
    }
    throw new ProtocolError("NTLM: server sent a challenge after AUTHENTICATE");
  }

  verifyServerFinal(_additionalData: Uint8Array | undefined): void {}

  failureDetails(): Readonly<Record<string, unknown>> {
    return {};
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#password]);
  }
}
