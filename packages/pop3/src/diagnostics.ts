import { channel } from "node:diagnostics_channel";

/**
 * diagnostics_channel names this package publishes. Core already publishes every (redacted)
 * wire line on `mailwire:socket:*`; these add the POP3-level outcome. Payloads hold no secret.
 */
export const Pop3ChannelName = {
  /** `{ host, port, tls, ok, method?, encrypted?, code? }` once per connectPop3(). */
  session: "mailwire:pop3:session",
} as const;

const sessionChannel = channel(Pop3ChannelName.session);

/** Publishes only when someone listens, so building the payload costs nothing otherwise. */
export function publishSession(build: () => Record<string, unknown>): void {
  if (sessionChannel.hasSubscribers) sessionChannel.publish(build());
}
