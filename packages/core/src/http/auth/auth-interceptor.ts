import { AuthError, ConnectionError } from "../../errors/error-classes.js";
import { ErrorCode } from "../../errors/error-codes.js";
import { isMailwireError } from "../../errors/mailwire-error.js";
import { holdBody, isReplayable } from "../body/request-body.js";
import type { ConnectionSlot } from "../connection/connection-slot.js";
import type { Lease } from "../connection/origin-pool.js";
import type { Transport } from "../connection/transport.js";
import type { HttpDiagnostics } from "../http-diagnostics.js";
import {
  copyRequest,
  headerValue,
  type IncomingResponse,
  type Interceptor,
  type OutgoingRequest,
  originOf,
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
  readonly tryAcquire: Transport["tryAcquire"];
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
  const { providers, allowInsecureAuth, acquire, tryAcquire, diagnostics } = options;
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
      lease: Lease,
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
        const response = await next(withAuthorization(carrier, scheme, token, slot));
        const connectionId = response.connection?.id;
        if (response.statusCode !== 401) {
          response.connection?.authenticatedSchemes.add(scheme.toLowerCase());
          diagnostics.authStep({ scheme, step: "authenticated", url: request.url, connectionId });
          if (carrier === request) return { kind: "done", response };
          await response.body.dump();
          const real = await sendAuthenticated(request, slot);
          return real === undefined ? { kind: "connection-lost" } : { kind: "done", response: real };
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

    /**
     * Sends on a connection that passed the handshake. A one-shot stream is held back until
     * undici starts on the body; if undici has replaced the connection by then (the server
     * closed the authenticated one while this request waited in the queue), the request is
     * abandoned with the stream untouched and undefined tells the caller to authenticate
     * again first. Anything else would send the stream where it can only earn a 401.
     */
    const sendAuthenticated = async (
      request: OutgoingRequest,
      slot: ConnectionSlot,
    ): Promise<IncomingResponse | undefined> => {
      const body = request.body;
      if (isReplayable(body)) return next(copyRequest(request, { connection: slot }));
      const authenticatedState = slot.state;
      const refusal = new ConnectionError(
        "the authenticated connection was replaced before the body was sent",
        {
          details: { requestSent: false },
        },
      );
      const held = holdBody(
        body,
        () => authenticatedState !== undefined && slot.state === authenticatedState,
        refusal,
      );
      try {
        return await next(copyRequest(request, { body: held, connection: slot }));
      } catch (error) {
        if (error === refusal || (isMailwireError(error) && error.cause === refusal)) return undefined;
        throw error;
      }
    };

    /** The server answered 401 on a connection it had authenticated: it forgot, or it is not the same one. */
    const authenticationLost = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      response: IncomingResponse,
    ): Promise<void> => {
      response.connection?.authenticatedSchemes.delete(provider.scheme.toLowerCase());
      await response.body.dump();
      if (!isReplayable(request.body)) {
        throw new ConnectionError(
          "the connection lost its authentication and the streamed body cannot be sent again",
          { details: { scheme: provider.scheme, requestSent: true } },
        );
      }
    };

    const connectionBoundAttempt = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      attempt: number,
      acquired: Lease | undefined,
    ): Promise<Outcome> => {
      // A lease the caller already holds is used (and so released) here.
      const lease = acquired ?? (await acquire(originOf(request.url), provider.scheme, request.signal));
      if (!lease.authenticated) {
        try {
          return await handshake(provider, request, lease, attempt);
        } finally {
          lease.release();
        }
      }
      const response = await sendAuthenticated(request, lease.slot);
      if (response === undefined) return { kind: "connection-lost" };
      if (response.statusCode !== 401) return { kind: "done", response };
      await authenticationLost(provider, request, response);
      return { kind: "connection-lost" };
    };

    const authenticate = async (
      provider: AuthProvider,
      request: OutgoingRequest,
      restartsLeft = 1,
      firstLease?: Lease,
    ): Promise<IncomingResponse> => {
      const maxAttempts = provider.maxAttempts ?? 1;
      let lease = firstLease;
      let attempt = 0;
      while (attempt < maxAttempts) {
        const outcome = provider.connectionBound
          ? await connectionBoundAttempt(provider, request, attempt, lease)
          : await perRequestAttempt(provider, request, attempt);
        lease = undefined;
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
      const origin = originOf(request.url);
      const known = chosen.get(origin);
      if (known?.connectionBound) {
        const lease = tryAcquire(origin, known.scheme);
        if (lease?.authenticated && isReplayable(request.body)) {
          // The steady state, kept short: a connection that already did the handshake
          // carries the request as it is.
          const response = await next(copyRequest(request, { connection: lease.slot }));
          if (response.statusCode !== 401) return response;
          await authenticationLost(known, request, response);
          return authenticate(known, request, 0);
        }
        return authenticate(known, request, 1, lease);
      }
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
      chosen.set(originOf(request.url), provider);
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
