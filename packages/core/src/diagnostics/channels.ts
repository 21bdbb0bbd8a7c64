import { type Channel, channel } from "node:diagnostics_channel";
import { debuglog } from "node:util";

/**
 * Published diagnostics_channel names. Subscribers receive only redacted data: no
 * credential, token, hash or Authorization value is ever put on a channel.
 */
export const ChannelName = {
  httpRequest: "mailwire:http:request",
  httpResponse: "mailwire:http:response",
  httpError: "mailwire:http:error",
  authStep: "mailwire:auth:step",
  retry: "mailwire:retry",
  socketConnect: "mailwire:socket:connect",
  socketTls: "mailwire:socket:tls",
  socketLine: "mailwire:socket:line",
  socketClose: "mailwire:socket:close",
} as const;

export type ChannelName = (typeof ChannelName)[keyof typeof ChannelName];

const channels = new Map<string, Channel>();

function get(name: string): Channel {
  let ch = channels.get(name);
  if (!ch) {
    ch = channel(name);
    channels.set(name, ch);
  }
  return ch;
}

/** `NODE_DEBUG=mailwire` prints every event to stderr, as Node's own modules do. */
const nodeDebug = debuglog("mailwire");

/**
 * Publishes only when someone listens (a channel subscriber or NODE_DEBUG), so building
 * the message costs nothing otherwise. Protocol packages publish on their own
 * `mailwire:<protocol>:*` names through this too; messages must already be redacted.
 */
export function publish(
  name: ChannelName | `mailwire:${string}`,
  build: () => Record<string, unknown>,
): void {
  const ch = get(name);
  const debugging = nodeDebug.enabled;
  if (!ch.hasSubscribers && !debugging) return;
  const message = build();
  if (ch.hasSubscribers) ch.publish(message);
  if (debugging) nodeDebug("%s %j", name, message);
}
