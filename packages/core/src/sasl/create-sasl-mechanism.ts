import { InvalidArgumentError } from "../errors/error-classes.js";
import { CramMd5Mechanism } from "./cram-md5-mechanism.js";
import { LoginMechanism } from "./login-mechanism.js";
import { NtlmMechanism } from "./ntlm-mechanism.js";
import { OAuthBearerMechanism } from "./oauthbearer-mechanism.js";
import { PlainMechanism } from "./plain-mechanism.js";
import type { SaslCredentials, SaslMechanism } from "./sasl-mechanism.js";
import { SaslMechanismName } from "./sasl-mechanism.js";
import { SaslMechanismTraits } from "./sasl-mechanism-traits.js";
import { ScramMechanism } from "./scram-mechanism.js";
import { Xoauth2Mechanism } from "./xoauth2-mechanism.js";

/** Per-mechanism settings that are not credentials. All optional. */
export interface SaslMechanismOptions {
  /** SCRAM client nonce, for deterministic tests only. */
  readonly clientNonce?: string | undefined;
  readonly scramMinIterations?: number | undefined;
  readonly scramMaxIterations?: number | undefined;
  /** OAuth mechanisms: ask the token provider for a fresh token (the one retry after a rejection). */
  readonly forceRefresh?: boolean | undefined;
  /** Server host and port, sent by OAUTHBEARER (RFC 7628 §3.1). */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** NTLM extras (see NtlmMechanismOptions). */
  readonly ntlm?:
    | {
        readonly domain?: string | undefined;
        readonly workstation?: string | undefined;
        readonly serverCertificate?: Uint8Array | undefined;
        readonly targetName?: string | undefined;
      }
    | undefined;
}

/** Builds a fresh mechanism object for one attempt. Throws InvalidArgumentError on a credential mismatch. */
export function createSaslMechanism(
  name: SaslMechanismName,
  credentials: SaslCredentials,
  options: SaslMechanismOptions = {},
): SaslMechanism {
  const traits = SaslMechanismTraits[name];
  if (traits === undefined) throw new InvalidArgumentError(`Unknown SASL mechanism ${String(name)}`);
  if (traits.credential !== credentials.kind) {
    throw new InvalidArgumentError(
      `${name} needs ${traits.credential} credentials, got ${credentials.kind}`,
      {
        details: { mechanism: name, credential: credentials.kind },
      },
    );
  }
  if (credentials.kind === "oauth2") {
    const { username, token } = credentials;
    return name === SaslMechanismName.OAUTHBEARER
      ? new OAuthBearerMechanism({
          username,
          token,
          forceRefresh: options.forceRefresh,
          host: options.host,
          port: options.port,
        })
      : new Xoauth2Mechanism({ username, token, forceRefresh: options.forceRefresh });
  }
  const { username, password, authorizationId } = credentials;
  switch (name) {
    case SaslMechanismName.SCRAM_SHA_256:
    case SaslMechanismName.SCRAM_SHA_1:
      return new ScramMechanism({
        mechanism: name,
        username,
        password,
        authorizationId,
        clientNonce: options.clientNonce,
        minIterations: options.scramMinIterations,
        maxIterations: options.scramMaxIterations,
      });
    case SaslMechanismName.NTLM:
      return new NtlmMechanism({ username, password, ...options.ntlm });
    case SaslMechanismName.CRAM_MD5:
      return new CramMd5Mechanism({ username, password });
    case SaslMechanismName.PLAIN:
      return new PlainMechanism({ username, password, authorizationId });
    case SaslMechanismName.LOGIN:
      return new LoginMechanism({ username, password });
    default:
      throw new InvalidArgumentError(`${name} cannot be used with password credentials`);
  }
}
