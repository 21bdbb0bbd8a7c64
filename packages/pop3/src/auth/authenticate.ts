import {
  AuthError,
  authenticateSasl,
  isMailwireError,
  type MailwireError,
  type SaslCredentials,
  type SaslMechanismOptions,
  selectSaslMechanism,
} from "@mailwire/core";
import { apopDigest } from "../codec/apop.js";
import type { Pop3Capabilities } from "../codec/capabilities.js";
import { encodeCommandLine } from "../codec/command.js";
import { parseStatusLine } from "../codec/status-line.js";
import type { CommandChannel, Pop3CallOptions } from "../command-channel.js";
import { errorFromStatus } from "../errors.js";
import { isSaslMethod } from "./choose-auth-method.js";
import { isTokenAuth, type Pop3Auth, Pop3AuthMethod } from "./pop3-auth.js";
import { pop3SaslConversation } from "./sasl-conversation.js";

export interface AuthenticateOptions extends Pop3CallOptions {
  readonly method: Pop3AuthMethod;
  readonly auth: Pop3Auth;
  readonly capabilities: Pop3Capabilities;
  readonly apopTimestamp: string | undefined;
  readonly transportEncrypted: boolean;
  readonly allowInsecureAuth?: boolean | undefined;
  /** Send SASL initial responses on the AUTH line when they fit (default true; never for XOAUTH2). */
  readonly initialResponse?: boolean | undefined;
  /** Passed to core's mechanism factory: NTLM domain/workstation, OAUTHBEARER host/port. */
  readonly saslOptions?: SaslMechanismOptions | undefined;
}

/**
 * Logs in once with `method`. Throws AuthError MW_AUTH_FAILED when refused, ServerBusyError
 * when the server said `[IN-USE]`, `[LOGIN-DELAY]` or `[SYS/TEMP]`.
 */
export async function authenticate(channel: CommandChannel, options: AuthenticateOptions): Promise<void> {
  const { method, auth } = options;
  const call = { signal: options.signal, timeoutMs: options.timeoutMs };
  const context = {
    authenticating: true,
    loginDelaySeconds: options.capabilities.loginDelaySeconds,
    secrets: isTokenAuth(auth) ? [] : [auth.password],
  };
  if (method === Pop3AuthMethod.APOP) {
    if (isTokenAuth(auth) || options.apopTimestamp === undefined)
      throw new AuthError("APOP needs a password");
    const digest = apopDigest(options.apopTimestamp, auth.password);
    await channel.command(
      encodeCommandLine("APOP", auth.username, digest),
      { ...context, command: "APOP" },
      call,
    );
    return;
  }
  if (method === Pop3AuthMethod.USER) {
    if (isTokenAuth(auth)) throw new AuthError("USER/PASS needs a password");
    await channel.command(encodeCommandLine("USER", auth.username), { ...context, command: "USER" }, call);
    await channel.command(encodeCommandLine("PASS", auth.password), { ...context, command: "PASS" }, call);
    return;
  }
  if (!isSaslMethod(method)) throw new AuthError(`Unknown method ${method}`);
  const credentials: SaslCredentials = isTokenAuth(auth)
    ? { kind: "oauth2", username: auth.username, token: auth.tokenProvider }
    : {
        kind: "password",
        username: auth.username,
        password: auth.password,
        ...(auth.authorizationId !== undefined && { authorizationId: auth.authorizationId }),
      };
  // Core applies its own policy again (insecure transport, credential kind) and builds a fresh,
  // single-use mechanism object.
  const mechanism = selectSaslMechanism({
    ...options.saslOptions,
    offered: options.capabilities.sasl,
    credentials,
    transportEncrypted: options.transportEncrypted,
    allowInsecureAuth: options.allowInsecureAuth,
    force: [method],
  });
  const conversation = pop3SaslConversation(channel, {
    ...call,
    initialResponse: method !== Pop3AuthMethod.XOAUTH2 && options.initialResponse !== false,
    loginDelaySeconds: options.capabilities.loginDelaySeconds,
  });
  try {
    await authenticateSasl(mechanism, conversation, { signal: options.signal });
  } catch (error) {
    throw busyInstead(error, options.capabilities.loginDelaySeconds);
  }
}

/**
 * Core reports every SASL refusal as AuthError; a refusal that carries `[IN-USE]`,
 * `[LOGIN-DELAY]` or `[SYS/TEMP]` (RFC 2449 §8, RFC 3206) is about the server, not the
 * credentials, and becomes ServerBusyError with the AuthError as its cause.
 */
function busyInstead(error: unknown, loginDelaySeconds: number | undefined): unknown {
  if (!isMailwireError(error) || !(error instanceof AuthError)) return error;
  const code = error.details.responseCode;
  if (typeof code !== "string") return error;
  const serverMessage = typeof error.details.serverMessage === "string" ? error.details.serverMessage : "";
  const mapped: MailwireError = errorFromStatus(parseStatusLine(`-ERR [${code}] ${serverMessage}`), {
    command: "AUTH",
    authenticating: true,
    loginDelaySeconds,
    cause: error,
  });
  return mapped instanceof AuthError ? error : mapped;
}
