import {
  AuthError,
  authenticateSasl,
  chooseSaslMechanism,
  createSaslMechanism,
  ErrorCode,
  isMailwireError,
  type SaslCredentials,
  SaslMechanismName,
} from "@mailwire/core";
import type { ImapAuth } from "../connection/connect-options.js";
import { isTokenAuth } from "../connection/connect-options.js";
import type { ImapflowInternals } from "../connection/imapflow-internals.js";
import { mapImapError } from "../errors.js";
import { imapSaslConversation } from "./imap-sasl-conversation.js";

/** How the session logged in: a SASL mechanism name, or `LOGIN` for the RFC 9051 §6.2.3 command. */
export type ImapLoginMethod = SaslMechanismName | "LOGIN-COMMAND";

export interface ImapAuthPolicy {
  readonly auth: ImapAuth;
  readonly mechanisms?: readonly string[] | undefined;
  readonly allowInsecureAuth?: boolean | undefined;
  readonly host: string;
  readonly port: number;
  /** Every secret this session sent (password, tokens), for redaction. */
  readonly secrets: Set<string>;
  readonly onAuthenticated: (method: ImapLoginMethod) => void;
}

/** The PLAIN and LOGIN exchanges imapflow implements itself; we let it run them. */
const IMAPFLOW_NATIVE = new Set<string>([SaslMechanismName.PLAIN, SaslMechanismName.LOGIN]);

/**
 * Replaces ImapFlow#authenticate on one instance. imapflow calls it after STARTTLS and the
 * post-TLS CAPABILITY (RFC 9051 §6.2.1), so the mechanism list we choose from is the one the
 * attacker could not rewrite. Exactly one attempt per password: a refused login throws AuthError
 * and the connection is closed by the caller. A rejected OAuth token is retried once with a token
 * from `forceRefresh: true` on the same connection (RFC 9051 §6.2.2 lets a client try again).
 */
export function installAuthenticateHook(client: ImapflowInternals, policy: ImapAuthPolicy): void {
  const imapflowAuthenticate = client.authenticate.bind(client);
  client.authenticate = async (): Promise<boolean> => {
    if (client.state !== client.states.NOT_AUTHENTICATED) return true; // PREAUTH greeting
    const credentials = toCredentials(policy);
    const offered = [...client.capabilities.keys()]
      .filter((name) => name.toUpperCase().startsWith("AUTH="))
      .map((name) => name.slice(5).toUpperCase());
    const transportEncrypted = client.secureConnection === true;
    let mechanism: SaslMechanismName;
    try {
      mechanism = chooseSaslMechanism({
        offered,
        credentials,
        transportEncrypted,
        allowInsecureAuth: policy.allowInsecureAuth,
        force: policy.mechanisms,
      });
    } catch (error) {
      if (
        isMailwireError(error) &&
        error.code === ErrorCode.AUTH_UNSUPPORTED &&
        credentials.kind === "password" &&
        policy.mechanisms === undefined &&
        !client.capabilities.has("LOGINDISABLED")
      ) {
        return loginCommand(client, imapflowAuthenticate, policy, credentials, transportEncrypted);
      }
      throw error;
    }

    if (credentials.kind === "password" && IMAPFLOW_NATIVE.has(mechanism)) {
      await runImapflowAuth(client, imapflowAuthenticate, policy, credentials, `AUTH=${mechanism}`);
      policy.onAuthenticated(mechanism);
      return true;
    }

    // Capabilities may change with login (RFC 9051 §7.2.2); imapflow's own mechanisms set this too.
    client.expectCapabilityUpdate = true;
    await runCoreSasl(client, policy, mechanism, credentials, false);
    policy.onAuthenticated(mechanism);
    return true;
  };
}

function toCredentials(policy: ImapAuthPolicy): SaslCredentials {
  const auth = policy.auth;
  if (isTokenAuth(auth)) {
    const provider = auth.tokenProvider;
    return {
      kind: "oauth2",
      username: auth.username,
      token: async (options) => {
        const token = await provider(options);
        policy.secrets.add(token);
        return token;
      },
    };
  }
  policy.secrets.add(auth.password);
  return {
    kind: "password",
    username: auth.username,
    password: auth.password,
    authorizationId: auth.authorizationId,
  };
}

async function runCoreSasl(
  client: ImapflowInternals,
  policy: ImapAuthPolicy,
  name: SaslMechanismName,
  credentials: SaslCredentials,
  forceRefresh: boolean,
): Promise<void> {
  const mechanism = createSaslMechanism(name, credentials, {
    forceRefresh,
    host: policy.host,
    port: policy.port,
  });
  try {
    await authenticateSasl(mechanism, imapSaslConversation(client));
  } catch (error) {
    if (
      isMailwireError(error) &&
      error.code === ErrorCode.AUTH_FAILED &&
      credentials.kind === "oauth2" &&
      !forceRefresh &&
      client.state === client.states.NOT_AUTHENTICATED
    ) {
      return runCoreSasl(client, policy, name, credentials, true);
    }
    throw isMailwireError(error)
      ? error
      : mapImapError(error, { operation: "AUTHENTICATE", secrets: policy.secrets });
  }
  client.authenticated = credentials.username;
  await client.setAuthenticationState();
}

async function runImapflowAuth(
  client: ImapflowInternals,
  imapflowAuthenticate: () => Promise<boolean>,
  policy: ImapAuthPolicy,
  credentials: Extract<SaslCredentials, { kind: "password" }>,
  loginMethod: string,
): Promise<void> {
  // imapflow reads its credentials from options.auth; they are set just for this call.
  const options = (client as unknown as { options: { auth?: unknown } }).options;
  options.auth = {
    user: credentials.username,
    pass: credentials.password,
    loginMethod,
    ...(credentials.authorizationId !== undefined && { authzid: credentials.authorizationId }),
  };
  try {
    await imapflowAuthenticate();
  } catch (error) {
    throw mapImapError(error, { operation: loginMethod, secrets: policy.secrets });
  } finally {
    options.auth = { user: credentials.username };
  }
}

async function loginCommand(
  client: ImapflowInternals,
  imapflowAuthenticate: () => Promise<boolean>,
  policy: ImapAuthPolicy,
  credentials: Extract<SaslCredentials, { kind: "password" }>,
  transportEncrypted: boolean,
): Promise<boolean> {
  // RFC 9051 §6.2.3: LOGIN sends the password as is, so the same rule as PLAIN applies.
  if (!transportEncrypted && policy.allowInsecureAuth !== true) {
    throw new AuthError(
      "Refusing IMAP LOGIN over an unencrypted connection: it would send the password in the clear. Use TLS, or set allowInsecureAuth: true.",
      { code: ErrorCode.INSECURE_AUTH_REFUSED, details: { refused: ["LOGIN-COMMAND"] } },
    );
  }
  await runImapflowAuth(client, imapflowAuthenticate, policy, credentials, "LOGIN");
  policy.onAuthenticated("LOGIN-COMMAND");
  return true;
}
