import { type DiscoverOptions, type DiscoveryResult, discover } from "@mailwire/autodiscover";
import { ErrorCode, isMailwireError, throwIfAborted } from "@mailwire/core";
import { type ConnectAttempt, ConnectFailedError, type MailboxError, toMailboxError } from "../errors.js";
import { type Mailbox, PROTOCOL_PREFERENCE, type ProtocolName } from "../mailbox.js";
import { type CreateMailboxOptions, createMailbox } from "./create-mailbox.js";
import { httpCredentials, type MailboxCredentials } from "./mailbox-credentials.js";
import { endpointOf } from "./mailbox-settings.js";

export interface ConnectMailboxOptions extends CreateMailboxOptions {
  readonly credentials: MailboxCredentials;
  /** Protocols to try, in order. Default `PROTOCOL_PREFERENCE` (Outlook's); one entry forces it. */
  readonly protocols?: readonly ProtocolName[] | undefined;
  /** Passed to `discover()` (methods, redirect consent, cache, HTTP client factory...); credentials come from `credentials`. */
  readonly discover?: Omit<DiscoverOptions, "credentials" | "signal"> | undefined;
  /** Settings found earlier (a saved profile): discovery is skipped. */
  readonly discovery?: DiscoveryResult | undefined;
}

export interface ConnectMailboxResult {
  readonly mailbox: Mailbox;
  /** What Autodiscover found, with its trace of every attempt. */
  readonly discovery: DiscoveryResult;
  /** Every protocol tried, in order, the winner last. */
  readonly attempts: readonly ConnectAttempt[];
}

/**
 * Finds the mailbox with Autodiscover and connects with the first protocol, in the given order,
 * that authenticates (MS-OXDSCLI, then Outlook's MAPI/HTTP → RPC/HTTP → EWS → IMAP → POP3).
 * A refused password ends the search: it is never sent to the next protocol (the remaining
 * protocols are recorded as `skipped`). When nothing connects, `ConnectFailedError` carries
 * every attempt; its code is MW_AUTH_FAILED after a refusal, else the last failure's.
 */
export async function connectMailbox(
  email: string,
  options: ConnectMailboxOptions,
): Promise<ConnectMailboxResult> {
  const signal = options.signal;
  const secrets = [options.credentials.password];
  let discovery: DiscoveryResult;
  try {
    discovery =
      options.discovery ??
      (await discover(email, {
        ...options.discover,
        credentials: httpCredentials(options.credentials),
        signal,
      }));
  } catch (error) {
    throw toMailboxError(error, undefined, "discover", secrets);
  }
  const attempts: ConnectAttempt[] = [];
  let refused: MailboxError | undefined;
  let last: MailboxError | undefined;
  for (const protocol of options.protocols ?? PROTOCOL_PREFERENCE) {
    const endpoint = endpointOf(protocol, discovery);
    if (refused) {
      attempts.push({
        protocol,
        endpoint,
        outcome: "skipped",
        detail: "the password was refused",
        durationMs: 0,
      });
      continue;
    }
    if (endpoint === undefined) {
      attempts.push({ protocol, endpoint, outcome: "no-endpoint", durationMs: 0 });
      continue;
    }
    throwIfAborted(signal);
    const started = performance.now();
    try {
      const mailbox = await createMailbox(protocol, discovery, options.credentials, options);
      attempts.push({ protocol, endpoint, outcome: "connected", durationMs: elapsed(started) });
      return { mailbox, discovery, attempts };
    } catch (caught) {
      const error = toMailboxError(caught, protocol, "connect", secrets);
      if (error.code === ErrorCode.ABORTED) throw error;
      attempts.push({
        protocol,
        endpoint,
        outcome: "failed",
        step: error.step,
        errorCode: error.code,
        detail: error.message,
        durationMs: elapsed(started),
      });
      last = error;
      // With a token provider each protocol asks for its own token; only a password is never resent.
      if (
        isMailwireError(caught) &&
        error.code === ErrorCode.AUTH_FAILED &&
        !options.credentials.tokenProvider
      ) {
        refused = error;
      }
    }
  }
  const reason = refused ?? last;
  const tried = attempts
    .map((a) => `${a.protocol}: ${a.outcome}${a.errorCode ? ` (${a.errorCode})` : ""}`)
    .join(", ");
  throw new ConnectFailedError(
    reason?.code ?? "MW_NO_ENDPOINT",
    `no protocol connected to ${discovery.emailAddress}: ${tried || "none to try"}`,
    attempts,
    reason,
  );
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
