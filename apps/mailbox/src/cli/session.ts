import type { Mailbox } from "../mailbox.js";
import type { Profile } from "../profile/profile.js";
import { LocalStore } from "../sync/local-store.js";
import { isOfflineError } from "../sync/offline-error.js";
import { describeError, formatErrorLine } from "./cli-error.js";
import { type CommandContext, readCa, secretFor, smtpSendFunction } from "./context.js";

// A command's view of the account: the profile, the server connection when there is one, and
// the local store in cached mode. Cached mode switches by itself, as Outlook's does: when the
// server cannot be reached (at connect or in the middle of a command) reads come from the store
// and changes are queued for the next sync.

export interface Session {
  readonly profile: Profile;
  readonly store: LocalStore | undefined;
  mailbox: Mailbox | undefined;
  /** Why the session is offline, for the notice and the JSON "source" field. */
  offlineReason: string | undefined;
  close(): Promise<void>;
}

export type Source = "server" | "cache";

export async function openSession(
  context: CommandContext,
  options: { needsServer?: boolean } = {},
): Promise<Session> {
  const profile = await context.profiles.load(context.global.profile);
  const store = profile.cached ? new LocalStore(context.profiles.cacheDirectory(profile.name)) : undefined;
  const session: Session = {
    profile,
    store,
    mailbox: undefined,
    offlineReason: undefined,
    async close() {
      const mailbox = session.mailbox;
      session.mailbox = undefined;
      await mailbox?.close().catch(() => undefined);
    },
  };
  if (context.global.offline && store && !options.needsServer) {
    session.offlineReason = "--offline";
    return session;
  }
  const ca = await readCa(context.global.caFile ?? profile.caFile);
  const secret = await secretFor(context, profile);
  try {
    session.mailbox = await context.env.backend.open({
      profile,
      secret,
      ca,
      signal: context.signal,
      send: smtpSendFunction(profile, secret, ca),
    });
  } catch (error) {
    if (!store || options.needsServer || !isOfflineError(error)) throw error;
    goOffline(context, session, error);
  }
  return session;
}

export function goOffline(context: CommandContext, session: Session, error: unknown): void {
  const report = describeError(error, context.secrets);
  session.offlineReason = formatErrorLine(report).replace(/^mailbox: /, "");
  const mailbox = session.mailbox;
  session.mailbox = undefined;
  mailbox?.close().catch(() => undefined);
  context.out.note(`mailbox: offline (${session.offlineReason}); using the local store`);
}

/**
 * Runs `online` against the server; if the server is (or becomes) unreachable and the profile
 * is cached, runs `offline` against the local store instead.
 */
export async function withFallback<T>(
  context: CommandContext,
  session: Session,
  online: (mailbox: Mailbox) => Promise<T>,
  offline: (store: LocalStore) => Promise<T>,
): Promise<{ value: T; source: Source }> {
  if (session.mailbox) {
    try {
      return { value: await online(session.mailbox), source: "server" };
    } catch (error) {
      if (!session.store || !isOfflineError(error)) throw error;
      goOffline(context, session, error);
    }
  }
  if (!session.store) throw new Error("no server connection and no local store");
  return { value: await offline(session.store), source: "cache" };
}
