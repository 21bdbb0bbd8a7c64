import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { equalBytes } from "../bytes/encoding.js";
import { redactSecrets } from "../diagnostics/redact.js";
import {
  AuthError,
  InvalidArgumentError,
  LimitExceededError,
  ProtocolError,
} from "../errors/error-classes.js";
import { ErrorCode } from "../errors/error-codes.js";
import { SaslLimits } from "./limits.js";
import {
  decodeBase64Strict,
  decodeServerText,
  encodeBase64,
  encodeUtf8,
  escapeSaslName,
} from "./sasl-encoding.js";
import { EMPTY_RESPONSE, type SaslMechanism, SaslMechanismName } from "./sasl-mechanism.js";
import { saslprep } from "./saslprep.js";

const pbkdf2Async = promisify(pbkdf2);

/** The two SCRAM variants we implement and their hash (RFC 5802 §4, RFC 7677 §2). */
const ScramHashes = {
  [SaslMechanismName.SCRAM_SHA_1]: { algorithm: "sha1", length: 20 },
  [SaslMechanismName.SCRAM_SHA_256]: { algorithm: "sha256", length: 32 },
} as const;

export type ScramMechanismName = keyof typeof ScramHashes;

export interface ScramMechanismOptions {
  readonly mechanism: ScramMechanismName;
  readonly username: string;
  readonly password: string;
  readonly authorizationId?: string | undefined;
  /** Fixed client nonce, for tests only; printable ASCII without ",". Random when absent. */
  readonly clientNonce?: string | undefined;
  /** Overrides SaslLimits.scramMinIterations for this attempt. */
  readonly minIterations?: number | undefined;
  /** Overrides SaslLimits.scramMaxIterations for this attempt. */
  readonly maxIterations?: number | undefined;
}

/** RFC 5802 §7 `printable`: %x21-2B / %x2D-7E, i.e. visible ASCII except ",". */
const PRINTABLE_NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const POSITIVE_INTEGER = /^[1-9][0-9]{0,9}$/;

/**
 * SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding (gs2 header
 * `n,,` or `n,a=authzid,`). Three steps: client-first, client-final answering the salt and
 * iteration count, then the server's signature, which proves the server knows the salted
 * password. That last proof is checked, and its absence is an error: skipping it would
 * let an impostor "accept" any password.
 */
export class ScramMechanism implements SaslMechanism {
  readonly name: ScramMechanismName;
  readonly clientFirst = true;
  readonly exposesReusableSecret = false;
  readonly #hash: { readonly algorithm: string; readonly length: number };
  readonly #username: string;
  readonly #password: string;
  readonly #gs2Header: string;
  readonly #clientNonce: string;
  readonly #minIterations: number;
  readonly #maxIterations: number;
  #step = 0;
  #clientFirstBare = "";
  #expectedServerSignature: Uint8Array | undefined;
  #serverVerified = false;
  #serverError: string | undefined;

  constructor(options: ScramMechanismOptions) {
    this.name = options.mechanism;
    this.#hash = ScramHashes[options.mechanism];
    // RFC 5802 §5.1: user name and password are SASLprep'd; an empty result aborts.
    this.#username = escapeSaslName(prepare(options.username, "username"));
    this.#password = prepare(options.password, "password");
    const authzid = options.authorizationId
      ? escapeSaslName(prepare(options.authorizationId, "authorizationId"))
      : "";
    // RFC 5802 §7 gs2-header: "n" = client does not support channel binding.
    this.#gs2Header = authzid ? `n,a=${authzid},` : "n,,";
    const nonce = options.clientNonce ?? randomBytes(SaslLimits.clientNonceBytes).toString("base64");
    if (!PRINTABLE_NONCE.test(nonce)) {
      throw new InvalidArgumentError("SCRAM: clientNonce must be printable ASCII without ','");
    }
    this.#clientNonce = nonce;
    this.#minIterations = options.minIterations ?? SaslLimits.scramMinIterations;
    this.#maxIterations = options.maxIterations ?? SaslLimits.scramMaxIterations;
  }

  async respond(challenge: Uint8Array): Promise<Uint8Array> {
    const step = this.#step++;
    if (step === 0) return this.#clientFirst();
    if (step === 1) return this.#clientFinal(challenge);
    if (step === 2) {
      // IMAP and POP3 carry the server-final message as a challenge answered with an empty response.
      this.#verify(challenge);
      return EMPTY_RESPONSE;
    }
    throw new ProtocolError(`${this.name}: server sent a challenge after server-final`);
  }

  verifyServerFinal(additionalData: Uint8Array | undefined): void {
    if (additionalData !== undefined && additionalData.length > 0) this.#verify(additionalData);
    if (!this.#serverVerified) {
      throw new AuthError(`${this.name}: server reported success without proving it knows the password`, {
        details: { mechanism: this.name, reason: "server-signature-missing" },
      });
    }
  }

  failureDetails(): Readonly<Record<string, unknown>> {
    return this.#serverError === undefined ? {} : { scramError: this.#serverError };
  }

  redact(text: string): string {
    return redactSecrets(text, [this.#password]);
  }

  #clientFirst(): Uint8Array {
    // RFC 5802 §7 client-first-message-bare: n=saslname,r=c-nonce
    this.#clientFirstBare = `n=${this.#username},r=${this.#clientNonce}`;
    return encodeUtf8(this.#gs2Header + this.#clientFirstBare);
  }

  async #clientFinal(challenge: Uint8Array): Promise<Uint8Array> {
    const serverFirst = decodeServerText(challenge, `${this.name} server-first-message`);
    const attributes = parseAttributes(serverFirst, this.name);
    const error = attributes.get("e");
    if (error !== undefined) this.#fail(error);
    // RFC 5802 §5.1: "m" announces a mandatory extension we do not know, so we must stop.
    if (attributes.has("m"))
      throw new ProtocolError(`${this.name}: server requires an unsupported extension`);
    const nonce = attributes.get("r");
    const saltText = attributes.get("s");
    const iterationText = attributes.get("i");
    if (nonce === undefined || saltText === undefined || iterationText === undefined) {
      throw new ProtocolError(`${this.name}: server-first-message lacks r, s or i`);
    }
    // RFC 5802 §5.1: the combined nonce starts with ours; anything else is a replay or a confused server.
    if (
      !nonce.startsWith(this.#clientNonce) ||
      nonce.length === this.#clientNonce.length ||
      !PRINTABLE_NONCE.test(nonce)
    ) {
      throw new AuthError(`${this.name}: server nonce does not extend the client nonce`, {
        details: { mechanism: this.name, reason: "nonce-mismatch" },
      });
    }
    const salt = decodeBase64Strict(saltText, `${this.name} salt`);
    if (salt.length < SaslLimits.scramMinSaltBytes) {
      throw new AuthError(`${this.name}: server salt is shorter than ${SaslLimits.scramMinSaltBytes} bytes`, {
        details: { mechanism: this.name, reason: "salt-too-short", saltBytes: salt.length },
      });
    }
    if (!POSITIVE_INTEGER.test(iterationText)) {
      throw new ProtocolError(`${this.name}: iteration count is not a positive integer`);
    }
    const iterations = Number(iterationText);
    if (iterations < this.#minIterations) {
      throw new AuthError(
        `${this.name}: server iteration count ${iterations} is below ${this.#minIterations}`,
        {
          details: {
            mechanism: this.name,
            reason: "iterations-too-low",
            iterations,
            min: this.#minIterations,
          },
        },
      );
    }
    if (iterations > this.#maxIterations) {
      throw new LimitExceededError(
        `${this.name}: server iteration count ${iterations} exceeds ${this.#maxIterations}`,
        {
          limit: "scramMaxIterations",
          max: this.#maxIterations,
        },
      );
    }

    // RFC 5802 §3: SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC.
    const { algorithm, length } = this.#hash;
    const saltedPassword = await pbkdf2Async(this.#password, salt, iterations, length, algorithm);
    const clientKey = hmac(algorithm, saltedPassword, "Client Key");
    const storedKey = createHash(algorithm).update(clientKey).digest();
    const clientFinalWithoutProof = `c=${encodeBase64(encodeUtf8(this.#gs2Header))},r=${nonce}`;
    const authMessage = `${this.#clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
    const clientSignature = hmac(algorithm, storedKey, authMessage);
    const clientProof = new Uint8Array(length);
    for (let i = 0; i < length; i++)
      clientProof[i] = (clientKey[i] as number) ^ (clientSignature[i] as number);
    const serverKey = hmac(algorithm, saltedPassword, "Server Key");
    this.#expectedServerSignature = hmac(algorithm, serverKey, authMessage);
    return encodeUtf8(`${clientFinalWithoutProof},p=${encodeBase64(clientProof)}`);
  }

  /** RFC 5802 §7 server-final-message: `e=server-error-value` or `v=base64(ServerSignature)`. */
  #verify(data: Uint8Array): void {
    const serverFinal = decodeServerText(data, `${this.name} server-final-message`);
    const attributes = parseAttributes(serverFinal, this.name);
    const error = attributes.get("e");
    if (error !== undefined) this.#fail(error);
    const verifier = attributes.get("v");
    if (verifier === undefined || this.#expectedServerSignature === undefined) {
      throw new AuthError(`${this.name}: server-final-message carries no server signature`, {
        details: { mechanism: this.name, reason: "server-signature-missing" },
      });
    }
    const signature = decodeBase64Strict(verifier, `${this.name} server signature`);
    if (!equalBytes(signature, this.#expectedServerSignature)) {
      throw new AuthError(`${this.name}: server signature is wrong; the server may be an impostor`, {
        details: { mechanism: this.name, reason: "server-signature-mismatch" },
      });
    }
    this.#serverVerified = true;
  }

  #fail(serverError: string): never {
    // RFC 5802 §7 server-error-value is a short token such as "invalid-proof"; keep it bounded.
    this.#serverError = serverError.slice(0, 64);
    throw new AuthError(`${this.name}: server reported ${this.#serverError}`, {
      code: ErrorCode.AUTH_FAILED,
      details: { mechanism: this.name, scramError: this.#serverError },
    });
  }
}

function hmac(algorithm: string, key: Uint8Array, data: string | Uint8Array): Uint8Array {
  return createHmac(algorithm, key).update(data).digest();
}

function prepare(value: string, field: string): string {
  let prepared: string;
  try {
    prepared = saslprep(value);
  } catch (cause) {
    // Re-thrown without the code point details: for a password even one character is too much.
    throw new InvalidArgumentError(`SCRAM: ${field} is not allowed by SASLprep (RFC 4013)`, {
      details: { field },
      ...(field === "password" ? {} : { cause }),
    });
  }
  if (prepared === "")
    throw new InvalidArgumentError(`SCRAM: ${field} is empty after SASLprep`, { details: { field } });
  return prepared;
}

/** Splits `a=1,b=2` into a map; RFC 5802 §7 attributes are one letter and values never contain ",". */
function parseAttributes(message: string, mechanism: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(",")) {
    if (!/^[A-Za-z]=/.test(part))
      throw new ProtocolError(`${mechanism}: malformed attribute in server message`);
    const key = part.slice(0, 1);
    if (!attributes.has(key)) attributes.set(key, part.slice(2));
  }
  return attributes;
}
