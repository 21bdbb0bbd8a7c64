import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChallengeIdentity } from "../ntlm/build-challenge.js";
import type { SimStats } from "../stats.js";
import type { BearerTokens } from "./bearer-tokens.js";
import { wwwAuthenticate } from "./challenges.js";
import {
  type AuthenticatedUser,
  type AuthScheme,
  namesAccount,
  type SimCredentials,
  splitUserId,
} from "./credentials.js";
import { type NtlmSettings, ntlmStep, type PendingHandshake } from "./ntlm-handshake.js";

// Runs the configured schemes against one request. NTLM state lives on the connection; Basic
// and Bearer are checked on every request.

export interface ConnectionState {
  id: number;
  pendingNtlm?: PendingHandshake | undefined;
  /** Set once NTLM succeeded on this connection: later requests need no Authorization. */
  ntlmUser?: AuthenticatedUser | undefined;
}

export interface AuthSettings {
  schemes: AuthScheme[];
  realm: string;
  ntlm: NtlmSettings;
}

export interface AuthEnvironment {
  settings: AuthSettings;
  credentials: SimCredentials;
  identity: ChallengeIdentity;
  tokens: BearerTokens;
  stats: SimStats;
  channelBinding: Uint8Array;
  now: () => number;
}

function unauthorized(res: ServerResponse, stats: SimStats, headers: string[], message: string): undefined {
  stats.unauthorized += 1;
  res.writeHead(401, {
    "WWW-Authenticate": headers,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(message),
  });
  res.end(message);
  return undefined;
}

/** The authenticated user, or undefined after a 401 has been sent. */
export function authenticateRequest(
  req: IncomingMessage,
  res: ServerResponse,
  connection: ConnectionState,
  env: AuthEnvironment,
  schemes: readonly AuthScheme[],
): AuthenticatedUser | undefined {
  const { credentials, stats } = env;
  const challenge = (bearerError?: { error: "invalid_token"; description: string }) =>
    wwwAuthenticate({ schemes, realm: env.settings.realm, ...(bearerError ? { bearerError } : {}) });
  const user = (scheme: AuthScheme): AuthenticatedUser => ({
    username: credentials.username,
    domain: credentials.domain,
    email: credentials.email,
    scheme,
  });

  const header = req.headers.authorization;
  if (header === undefined) {
    if (connection.ntlmUser && schemes.includes("ntlm")) return connection.ntlmUser;
    return unauthorized(res, stats, challenge(), "Authentication required");
  }
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const token = space < 0 ? "" : header.slice(space + 1).trim();

  if (scheme === "ntlm" && schemes.includes("ntlm")) {
    const step = ntlmStep({
      token: new Uint8Array(Buffer.from(token, "base64")),
      pending: connection.pendingNtlm,
      settings: env.settings.ntlm,
      identity: env.identity,
      lookup: (name, domain) => (namesAccount(credentials, name, domain) ? credentials.password : undefined),
      channelBinding: env.channelBinding,
      now: env.now(),
    });
    connection.pendingNtlm = undefined;
    if (step.kind === "challenge") {
      // A new NEGOTIATE restarts authentication on this connection.
      connection.ntlmUser = undefined;
      connection.pendingNtlm = step.pending;
      stats.ntlmChallenges += 1;
      return unauthorized(
        res,
        stats,
        [`NTLM ${Buffer.from(step.token).toString("base64")}`],
        "NTLM challenge",
      );
    }
    if (step.kind === "authenticated") {
      stats.ntlmHandshakes += 1;
      connection.ntlmUser = user("ntlm");
      return connection.ntlmUser;
    }
    stats.ntlmFailures += 1;
    stats.lastNtlmFailure = step.reason;
    connection.ntlmUser = undefined;
    return unauthorized(res, stats, challenge(), "NTLM authentication failed");
  }

  if (scheme === "basic" && schemes.includes("basic")) {
    const decoded = Buffer.from(token, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const { user: name, domain } = splitUserId(colon < 0 ? decoded : decoded.slice(0, colon));
    if (
      colon >= 0 &&
      namesAccount(credentials, name, domain) &&
      decoded.slice(colon + 1) === credentials.password
    ) {
      stats.basicLogins += 1;
      return user("basic");
    }
    return unauthorized(res, stats, challenge(), "Basic authentication failed");
  }

  if (scheme === "bearer" && schemes.includes("bearer")) {
    const check = env.tokens.check(token);
    if (check === "valid") {
      stats.bearerLogins += 1;
      return user("bearer");
    }
    const description = check === "expired" ? "The access token expired" : "The access token is invalid";
    return unauthorized(res, stats, challenge({ error: "invalid_token", description }), description);
  }

  return unauthorized(res, stats, challenge(), "Unsupported authentication scheme");
}
