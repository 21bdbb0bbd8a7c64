import { AuthError, ConnectionError } from "../../errors/error-classes.js";
import { ErrorCode } from "../../errors/error-codes.js";
import { isReplayable } from "../body/request-body.js";
import type { Transport } from "../connection/transport.js";
import type { HttpDiagnostics } from "../http-diagnostics.js";
import {
  headerValue,
  type IncomingResponse,
  type Interceptor,
  type OutgoingRequest,
  type Send,
} from "../pipeline.js";
import type { AuthProvider } from "./auth-provider.js";
import { findChallenge, parseChallenges } from "./challenge.js";
import { chooseProvider } from "./choose-provider.js";
import { withAuthorization, withoutBody } from "./request-variants.js";

export interface AuthInterceptorOptions {
  /** In preference order, strongest first. */
  readonly providers: readonly AuthProvider[];
  readonly allowInsecureAuth: boolean;
  readonly acquire: Transport["acquire"];
  readonly diagnostics: HttpDiagnostics;
}

/** Upper bound on handshake legs; NTLM needs 2, Kerberos usually 1 or 2. */
const MAX_LEGS = 6;

type Outcome =
  | { kind: "done"; response: IncomingResponse }
  /** The server refused a complete attempt: wrong password, expired token. */
  | { kind: "rejected" }
  /** The connection the handshake ran on went away; nothing was judged yet. */
  | { kind: "connection-lost" };

/**
 * Answers 401 challenges. The first 401 from an origin picks the scheme (see
 * chooseProvider) and it is remembered, so later requests authenticate up front:
 * per-request schemes (Basic, Bearer) send their header at once, connection-bound ones
 * (NTLM, Negotiate) run on a connection that already did the handshake, or do it first.
 * A rejected attempt is never repeated with the same secret.
 */
export function authInterceptor(options: AuthInterceptorOptions): Interceptor {
  const { providers, allowInsecureAuth, acquire, diagnostics } = options;
  const chosen = new Map<string, AuthProvider>();

  return (next: Send): Send => {
    const perRequestAttempt = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      attempt: number,
    ): Promise<Outcome> => {
      const session = provider.createSession({
        url: request.url,
        attempt,
        signal: request.signal,
        peerCertificate: () => undefined,
      });
      let token = await session.next(undefined);
      for (let leg = 0; leg < MAX_LEGS; leg++) {
        diagnostics.authStep({
          scheme: provider.scheme,
          step: attempt > 0 ? "retry" : "send",
          url: request.url,
        });
        const response = await next(withAuthorization(request, provider.scheme, token));
        if (response.statusCode !== 401) return { kind: "done", response };
        const serverToken = findChallenge(parseChallenges(response.headers), provider.scheme)?.token;
        await response.body.dump();
        if (serverToken === undefined || !isReplayable(request.body)) return { kind: "rejected" };
        token = await session.next(serverToken);
      }
      return { kind: "rejected" };
    };

    const handshake = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      lease: Awaited<ReturnType<Transport["acquire"]>>,
      attempt: number,
    ): Promise<Outcome> => {
      const { slot } = lease;
      const scheme = provider.scheme;
      // A replayable request carries the handshake itself (two round trips, as browsers
      // do); a one-shot stream waits until an empty request has authenticated the connection.
      const carrier = isReplayable(request.body) ? request : withoutBody(request);
      const session = provider.createSession({
        url: request.url,
        attempt,
        signal: request.signal,
        peerCertificate: () => slot.state?.peerCertificate,
      });
      let token = await session.next(undefined);
      let challengeConnection: number | undefined;
      for (let leg = 0; leg < MAX_LEGS; leg++) {
        diagnostics.authStep({
          scheme,
          step: leg === 0 ? "start" : "respond",
          url: request.url,
          connectionId: slot.state?.id,
        });
        const response = await next({ ...withAuthorization(carrier, scheme, token), connection: slot });
        const connectionId = response.connection?.id;
        if (response.statusCode !== 401) {
          response.connection?.authenticatedSchemes.add(scheme.toLowerCase());
          diagnostics.authStep({ scheme, step: "authenticated", url: request.url, connectionId });
          if (carrier === request) return { kind: "done", response };
          await response.body.dump();
          return { kind: "done", response: await next({ ...request, connection: slot }) };
        }
        const serverToken = findChallenge(parseChallenges(response.headers), scheme)?.token;
        const closing = /\bclose\b/i.test(headerValue(response.headers, "connection") ?? "");
        await response.body.dump();
        if (challengeConnection !== undefined && connectionId !== challengeConnection) {
          // Our answer to the challenge went out on a new connection (the server closed
          // the old one), so the server could not judge it: start over, don't count it.
          return { kind: "connection-lost" };
        }
        if (serverToken === undefined) {
          diagnostics.authStep({ scheme, step: "rejected", url: request.url, connectionId });
          return { kind: "rejected" };
        }
        if (closing) return { kind: "connection-lost" };
        challengeConnection = connectionId;
        diagnostics.authStep({ scheme, step: "challenge", url: request.url, connectionId });
        token = await session.next(serverToken);
      }
      return { kind: "rejected" };
    };

    const connectionBoundAttempt = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      attempt: number,
    ): Promise<Outcome> => {
      const lease = await acquire(request.url.origin, provider.scheme, request.signal);
      if (!lease.authenticated) {
        try {
          return await handshake(provider, request, lease, attempt);
        } finally {
          lease.release();
        }
      }
      const response = await next({ ...request, connection: lease.slot });
      if (response.statusCode !== 401) return { kind: "done", response };
      // The server forgot this connection's authentication (or it was replaced under us).
      response.connection?.authenticatedSchemes.delete(provider.scheme.toLowerCase());
      await response.body.dump();
      if (!isReplayable(request.body)) {
        throw new ConnectionError(
          "the connection lost its authentication and the streamed body cannot be sent again",
          { details: { scheme: provider.scheme, requestSent: true } },
        );
      }
      return { kind: "connection-lost" };
    };

    const authenticate = async (
      provider: AuthProvider,
      request: OutgoingRequest,
    ): Promise<IncomingResponse> => {
      const maxAttempts = provider.maxAttempts ?? 1;
      let restartsLeft = 1;
      let attempt = 0;
      while (attempt < maxAttempts) {
        const outcome = provider.connectionBound
          ? await connectionBoundAttempt(provider, request, attempt)
          : await perRequestAttempt(provider, request, attempt);
        if (outcome.kind === "done") return outcome.response;
        if (outcome.kind === "connection-lost") {
          if (restartsLeft-- > 0) continue;
          throw new ConnectionError("the connection kept closing during authentication", {
            code: ErrorCode.CONNECTION_CLOSED,
            details: { scheme: provider.scheme },
          });
        }
        attempt++;
        if (!isReplayable(request.body) && !provider.connectionBound) break;
      }
      diagnostics.authStep({ scheme: provider.scheme, step: "failed", url: request.url });
      throw new AuthError("the server rejected the credentials", {
        code: ErrorCode.AUTH_FAILED,
        details: { scheme: provider.scheme, statusCode: 401, attempts: attempt },
      });
    };

    return async (request) => {
      if (providers.length === 0) return next(request);
      const known = chosen.get(request.url.origin);
      if (known) return authenticate(known, request);
      // First contact: learn what the server wants. A one-shot body must not be spent on
      // a 401, so it waits behind an empty probe.
      const replayable = isReplayable(request.body);
      const first = await next(replayable ? request : withoutBody(request));
      if (first.statusCode !== 401) {
        if (replayable) return first;
        await first.body.dump();
        return next(request);
      }
      const challenges = parseChallenges(first.headers);
      await first.body.dump();
      const provider = chooseProvider(providers, challenges, request.url, allowInsecureAuth);
      chosen.set(request.url.origin, provider);
      diagnostics.authStep({
        scheme: provider.scheme,
        step: "selected",
        url: request.url,
        connectionId: first.connection?.id,
      });
      return authenticate(provider, request);
    };
  };
}
