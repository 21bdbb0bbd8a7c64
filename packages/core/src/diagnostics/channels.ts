import { type Channel, channel } from "node:diagnostics_channel";

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

/** Publishes only when someone listens, so building the message costs nothing otherwise. */
export function publish(name: ChannelName, build: () => Record<string, unknown>): void {
  const ch = get(name);
  if (ch.hasSubscribers) ch.publish(build());
}

/** NODE_DEBUG=mailwire turns on debug output to stderr through this. */
export const debugEnabled = /\bmailwire\b/i.test(process.env.NODE_DEBUG ?? "");
