import { isMailwireError, publish } from "@mailwire/core";

/** The discovery methods, in the priority order of MS-OXDSCLI 3.1.5 plus the non-Exchange fallbacks. */
export type DiscoveryMethod =
  | "scp"
  | "pox"
  | "soap"
  | "v2"
  | "httpRedirect"
  | "srv"
  | "autoconfig"
  | "ports"
  | "cache";

export type AttemptOutcome =
  | "settings"
  | "redirectAddr"
  | "redirectUrl"
  | "error"
  /** Stopped because a higher-priority candidate won, or the caller aborted. */
  | "cancelled"
  /** Not sent: the URL failed a safety rule (http, foreign host not approved, downgrade). */
  | "refused";

export interface DiscoveryAttempt {
  method: DiscoveryMethod;
  /** The URL requested, the DNS name queried, or `host:port` probed. */
  target: string;
  /** The address being discovered when this attempt ran (changes after redirectAddr). */
  emailAddress: string;
  outcome: AttemptOutcome;
  startedAt: number;
  durationMs: number;
  statusCode?: number;
  errorCode?: string;
  /** What happened, in words; never carries a credential. */
  detail?: string;
}

export interface TraceRecorder {
  readonly attempts: DiscoveryAttempt[];
  /** Starts an attempt; call the returned function exactly once with its outcome. */
  begin(method: DiscoveryMethod, target: string, emailAddress: string): AttemptEnd;
}

export type AttemptEnd = (
  outcome: AttemptOutcome,
  extra?: { statusCode?: number | undefined; error?: unknown; detail?: string | undefined },
) => void;

export function createTraceRecorder(now: () => number = performance.now.bind(performance)): TraceRecorder {
  const attempts: DiscoveryAttempt[] = [];
  return {
    attempts,
    begin(method, target, emailAddress) {
      const started = now();
      const startedAt = Date.now();
      let ended = false;
      return (outcome, extra = {}) => {
        if (ended) return;
        ended = true;
        const error = extra.error;
        const attempt: DiscoveryAttempt = {
          method,
          target,
          emailAddress,
          outcome,
          startedAt,
          durationMs: Math.round((now() - started) * 10) / 10,
        };
        if (extra.statusCode !== undefined) attempt.statusCode = extra.statusCode;
        if (error !== undefined) {
          attempt.errorCode = isMailwireError(error) ? error.code : "MW_UNKNOWN";
          attempt.detail = error instanceof Error ? error.message : String(error);
        }
        if (extra.detail !== undefined) attempt.detail = extra.detail;
        attempts.push(attempt);
        publish("mailwire:autodiscover:attempt", () => ({ ...attempt }));
      };
    },
  };
}
