import {
  backoffDelay,
  ConnectionError,
  ErrorCode,
  isMailwireError,
  type MailwireError,
  sleep,
  TimeoutError,
  throwIfAborted,
} from "@mailwire/core";
import type { ImapFlow } from "imapflow";
import { mapImapError } from "../errors.js";
import type { ImapSession } from "../session/imap-session.js";
import { prepareQresyncSelect, type QresyncSelect } from "./qresync-delta.js";
import { type ReconcileResult, reconcile } from "./reconcile.js";
import type { WatchEvent } from "./watch-event.js";
import type { WatchState } from "./watch-state.js";

export interface WatchOptions {
  readonly signal?: AbortSignal | undefined;
  /** Resume from a state saved from a `synced` event; without it the first sync is a silent baseline. */
  readonly state?: WatchState | undefined;
  /** How often an idle connection is checked with NOOP (RFC 9051 §6.1.2). Default 60 s. */
  readonly heartbeatMs?: number | undefined;
  /** How long NOOP or a resync may take before the connection counts as dead. Default 30 s. */
  readonly responseTimeoutMs?: number | undefined;
  /** Reconnect back-off. Defaults: 500 ms doubling to 30 s, jittered. */
  readonly backoff?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number } | undefined;
  /** Give up (the iterator throws the last error) after this many failed reconnects in a row. Default unlimited. */
  readonly maxReconnectAttempts?: number | undefined;
}

/** Errors after which reconnecting cannot help: the iterator throws them. */
const FATAL = new Set<string>([
  ErrorCode.AUTH_FAILED,
  ErrorCode.AUTH_UNSUPPORTED,
  ErrorCode.INSECURE_AUTH_REFUSED,
  ErrorCode.TLS,
  ErrorCode.TLS_PRINCIPAL_MISMATCH,
  ErrorCode.STARTTLS_UNAVAILABLE,
  ErrorCode.STARTTLS_INJECTION,
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.ABORTED,
]);

/**
 * Watches one folder on its own connection: IDLE (RFC 2177) while nothing happens, NOOP every
 * `heartbeatMs` to find dead connections IDLE cannot reveal, a resync after every notification,
 * and on any loss of the connection a reconnect with back-off followed by a resync against the
 * last known state. It ends only when the caller stops iterating or aborts; anything that
 * reconnecting cannot fix is thrown, never swallowed.
 */
export async function* watchMailbox(
  connect: (signal: AbortSignal | undefined) => Promise<ImapSession>,
  path: string,
  options: WatchOptions = {},
): AsyncGenerator<WatchEvent, void, undefined> {
  const signal = options.signal;
  const heartbeatMs = options.heartbeatMs ?? 60_000;
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const backoff = {
    baseDelayMs: options.backoff?.baseDelayMs ?? 500,
    maxDelayMs: options.backoff?.maxDelayMs ?? 30_000,
    random: Math.random,
  };
  const maxAttempts = options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY;
  let state = options.state;
  let lost: MailwireError | undefined;
  let failures = 0;

  while (true) {
    throwIfAborted(signal);
    let session: ImapSession | undefined;
    let qresync: QresyncSelect | undefined;
    try {
      session = await connect(signal);
      // With a previous state and QRESYNC, the SELECT itself reports what changed (RFC 7162
      // §3.2.5), so the resync below need not list every UID.
      qresync = prepareQresyncSelect(session.client, state);
      await session.client.mailboxOpen(path, qresync?.openOptions);
    } catch (error) {
      session?.destroy();
      throwIfAborted(signal);
      const mapped = isMailwireError(error) ? error : mapImapError(error, { operation: "watch connect" });
      if (FATAL.has(mapped.code)) throw mapped;
      failures += 1;
      if (failures > maxAttempts) throw mapped;
      lost ??= mapped;
      await sleep(backoffDelay(failures, backoff), signal);
      continue;
    } finally {
      qresync?.stop();
    }

    const client = session.client;
    const wake = createWake(client);
    try {
      const first = await withTimeout(reconcile(client, state, qresync?.delta), responseTimeoutMs, "resync");
      state = first.state;
      const baseline = first.state;
      if (lost !== undefined) {
        yield { type: "reconnected", attempts: failures, error: lost };
        lost = undefined;
      }
      failures = 0;
      yield* announce(first.events, baseline);

      while (true) {
        throwIfAborted(signal);
        // IDLE until the server has news or another command breaks it; imapflow ends IDLE
        // itself (DONE) when we send NOOP or FETCH.
        client.idle().catch(() => {});
        const reason = await wake.next(heartbeatMs, signal);
        if (reason === "closed") throw wake.closeError();
        if (reason === "heartbeat") await withTimeout(client.noop(), responseTimeoutMs, "idle");
        if (reason === "heartbeat" && !wake.pending()) continue;
        wake.clear();
        const next: ReconcileResult = await withTimeout(
          resyncSelected(client, path, state, wake),
          responseTimeoutMs,
          "resync",
        );
        state = next.state;
        yield* announce(next.events, next.state);
      }
    } catch (error) {
      throwIfAborted(signal);
      const mapped = isMailwireError(error) ? error : mapImapError(error, { operation: "watch" });
      if (FATAL.has(mapped.code)) throw mapped;
      lost = mapped;
      failures = 1;
      await sleep(backoffDelay(failures, backoff), signal);
    } finally {
      wake.dispose();
      session.destroy();
    }
  }
}

/**
 * The resync after a notification. With QRESYNC the folder is selected again relative to the
 * last state (RFC 7162 §3.2.5; the server closes the old selection with [CLOSED], §3.2.11), so
 * the answer holds only what changed since, not every UID; otherwise reconcile() lists UIDs.
 */
async function resyncSelected(
  client: ImapFlow,
  path: string,
  state: WatchState | undefined,
  wake: Wake,
): Promise<ReconcileResult> {
  const qresync = prepareQresyncSelect(client, state);
  if (qresync === undefined) return reconcile(client, state);
  try {
    await client.mailboxOpen(path, qresync.openOptions);
  } finally {
    qresync.stop();
  }
  // The SELECT's own VANISHED, FETCH and EXISTS answers latched the wake, but they are this
  // resync, not news; anything that changes later is notified after the SELECT completed.
  wake.clear();
  return reconcile(client, state, qresync.delta);
}

function* announce(events: readonly WatchEvent[], state: WatchState): Generator<WatchEvent> {
  yield* events;
  if (events.length > 0) yield { type: "synced", state };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, phase: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`IMAP ${phase} timed out after ${timeoutMs} ms`, { phase, timeoutMs })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface Wake {
  /** Resolves with why the loop should run again. */
  next(heartbeatMs: number, signal: AbortSignal | undefined): Promise<"news" | "heartbeat" | "closed">;
  pending(): boolean;
  clear(): void;
  closeError(): MailwireError;
  dispose(): void;
}

/** Latches imapflow's mailbox notifications (EXISTS, EXPUNGE/VANISHED, FETCH FLAGS) and the close. */
function createWake(client: ImapFlow): Wake {
  let news = false;
  let closed = false;
  let notify: (() => void) | undefined;
  const onNews = (): void => {
    news = true;
    notify?.();
  };
  const onClose = (): void => {
    closed = true;
    notify?.();
  };
  client.on("exists", onNews);
  client.on("expunge", onNews);
  client.on("flags", onNews);
  client.on("close", onClose);
  return {
    next(heartbeatMs, signal) {
      if (closed) return Promise.resolve("closed");
      if (news) return Promise.resolve("news");
      return new Promise((resolve) => {
        const finish = (reason: "news" | "heartbeat" | "closed"): void => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          notify = undefined;
          resolve(reason);
        };
        const onAbort = (): void => finish("closed");
        const timer = setTimeout(() => finish("heartbeat"), heartbeatMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        notify = () => finish(closed ? "closed" : "news");
      });
    },
    pending: () => news,
    clear: () => {
      news = false;
    },
    closeError: () =>
      new ConnectionError("The IMAP connection closed while watching", { code: ErrorCode.CONNECTION_CLOSED }),
    dispose() {
      client.off("exists", onNews);
      client.off("expunge", onNews);
      client.off("flags", onNews);
      client.off("close", onClose);
    },
  };
}
