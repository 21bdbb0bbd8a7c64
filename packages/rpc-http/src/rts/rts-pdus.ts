import { ErrorCode } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import type { RtsCommand, RtsNumberCommand } from "./rts-command.js";
import {
  ForwardDestination,
  RPCH_PROTOCOL_VERSION,
  type RtsCommandTypeName,
  RtsFlag,
} from "./rts-constants.js";
import { decodeRtsPdu, encodeRtsPdu, type RtsPdu } from "./rts-pdu.js";

// The named RTS PDUs of [MS-RPCH] 2.2.4: which Flags and which commands, in which order.
// One table drives both the builders and `matchRtsPdu`, so the two cannot disagree.

interface Shape {
  readonly flags: number;
  readonly commands: readonly RtsCommandTypeName[];
}

const { NONE, PING, OTHER_CMD, RECYCLE_CHANNEL, IN_CHANNEL, OUT_CHANNEL, EOF } = RtsFlag;
const RECYCLE_FOUR = ["Version", "Cookie", "Cookie", "Cookie"] as const;

/**
 * [MS-RPCH] 2.2.4, by the spec's names. IN_R1/A4, IN_R1/A6 and IN_R1/B1–B2 are left out until
 * checked. Several OUT recycling PDUs share a layout (OUT_R1/A9, A10, A11 and OUT_R2/B1 are all
 * one ANCE): which one arrived follows from the channel it came on and the recycling state.
 */
export const RTS_PDU_SHAPES = {
  "CONN/A1": { flags: NONE, commands: ["Version", "Cookie", "Cookie", "ReceiveWindowSize"] },
  "CONN/A2": {
    flags: OUT_CHANNEL,
    commands: ["Version", "Cookie", "Cookie", "ChannelLifetime", "ReceiveWindowSize"],
  },
  "CONN/A3": { flags: NONE, commands: ["ConnectionTimeout"] },
  "CONN/B1": {
    flags: NONE,
    commands: ["Version", "Cookie", "Cookie", "ChannelLifetime", "ClientKeepalive", "AssociationGroupId"],
  },
  "CONN/B2": {
    flags: IN_CHANNEL,
    commands: [
      "Version",
      "Cookie",
      "Cookie",
      "ReceiveWindowSize",
      "ConnectionTimeout",
      "AssociationGroupId",
      "ClientAddress",
    ],
  },
  "CONN/B3": { flags: NONE, commands: ["ReceiveWindowSize", "Version"] },
  "CONN/C1": { flags: NONE, commands: ["Version", "ReceiveWindowSize", "ConnectionTimeout"] },
  "CONN/C2": { flags: NONE, commands: ["Version", "ReceiveWindowSize", "ConnectionTimeout"] },
  "IN_R1/A1": { flags: RECYCLE_CHANNEL, commands: RECYCLE_FOUR },
  "IN_R1/A2": {
    flags: IN_CHANNEL | RECYCLE_CHANNEL,
    commands: [...RECYCLE_FOUR, "ReceiveWindowSize", "ConnectionTimeout"],
  },
  "IN_R1/A3": { flags: NONE, commands: ["Destination", "Version", "ReceiveWindowSize", "ConnectionTimeout"] },
  "IN_R1/A5": { flags: NONE, commands: ["Cookie"] },
  "IN_R2/A1": { flags: RECYCLE_CHANNEL, commands: RECYCLE_FOUR },
  "IN_R2/A3": { flags: NONE, commands: ["Destination"] },
  "IN_R2/A4": { flags: NONE, commands: ["Destination"] },
  "IN_R2/A5": { flags: NONE, commands: ["Cookie"] },
  "OUT_R1/A1": { flags: RECYCLE_CHANNEL, commands: ["Destination"] },
  "OUT_R1/A2": { flags: RECYCLE_CHANNEL, commands: ["Destination"] },
  "OUT_R1/A3": { flags: RECYCLE_CHANNEL, commands: [...RECYCLE_FOUR, "ReceiveWindowSize"] },
  "OUT_R1/A4": {
    flags: RECYCLE_CHANNEL | OUT_CHANNEL,
    commands: [...RECYCLE_FOUR, "ChannelLifetime", "ReceiveWindowSize", "ConnectionTimeout"],
  },
  "OUT_R1/A5": { flags: OUT_CHANNEL, commands: ["Destination", "Version", "ConnectionTimeout"] },
  "OUT_R1/A6": { flags: OUT_CHANNEL, commands: ["Destination", "Version", "ConnectionTimeout"] },
  "OUT_R1/A7": { flags: OUT_CHANNEL, commands: ["Destination", "Cookie"] },
  "OUT_R1/A8": { flags: OUT_CHANNEL, commands: ["Destination", "Cookie"] },
  "OUT_R1/A9": { flags: NONE, commands: ["ANCE"] },
  "OUT_R1/A10": { flags: NONE, commands: ["ANCE"] },
  "OUT_R1/A11": { flags: NONE, commands: ["ANCE"] },
  "OUT_R2/A1": { flags: RECYCLE_CHANNEL, commands: ["Destination"] },
  "OUT_R2/A2": { flags: RECYCLE_CHANNEL, commands: ["Destination"] },
  "OUT_R2/A3": { flags: RECYCLE_CHANNEL, commands: [...RECYCLE_FOUR, "ReceiveWindowSize"] },
  "OUT_R2/A4": { flags: NONE, commands: ["Cookie"] },
  "OUT_R2/A5": { flags: NONE, commands: ["Destination", "ANCE"] },
  "OUT_R2/A6": { flags: NONE, commands: ["Destination", "ANCE"] },
  "OUT_R2/A7": { flags: OUT_CHANNEL, commands: ["Destination", "Cookie", "Version"] },
  "OUT_R2/A8": { flags: OUT_CHANNEL, commands: ["Destination", "Cookie"] },
  "OUT_R2/B1": { flags: NONE, commands: ["ANCE"] },
  "OUT_R2/B2": { flags: NONE, commands: ["NegativeANCE"] },
  "OUT_R2/B3": { flags: EOF, commands: ["ANCE"] },
  "OUT_R2/C1": { flags: PING, commands: ["Empty"] },
  PingTrafficSentNotify: { flags: OTHER_CMD, commands: ["PingTrafficSentNotify"] },
  Echo: { flags: RtsFlag.ECHO, commands: [] },
  Ping: { flags: PING, commands: [] },
  FlowControlAck: { flags: OTHER_CMD, commands: ["FlowControlAck"] },
  FlowControlAckWithDestination: { flags: OTHER_CMD, commands: ["Destination", "FlowControlAck"] },
} as const satisfies Record<string, Shape>;

export type RtsPduName = keyof typeof RTS_PDU_SHAPES;

/** The names whose shape `pdu` has (some PDUs share one, e.g. IN_R1/A1 and IN_R2/A1). */
export function matchRtsPdu(pdu: RtsPdu): RtsPduName[] {
  const names: RtsPduName[] = [];
  for (const [name, shape] of Object.entries(RTS_PDU_SHAPES) as [RtsPduName, Shape][]) {
    if (shape.flags !== pdu.flags || shape.commands.length !== pdu.commands.length) continue;
    if (shape.commands.every((type, index) => pdu.commands[index]?.type === type)) names.push(name);
  }
  return names;
}

/** Decodes `bytes` and checks that it is the named PDU; anything else is a protocol error. */
export function expectRtsPdu(bytes: Uint8Array, ...names: RtsPduName[]): RtsPdu {
  const pdu = decodeRtsPdu(bytes);
  const matched = matchRtsPdu(pdu);
  if (!names.some((name) => matched.includes(name))) {
    throw new RpcHttpError(`expected RTS ${names.join(" or ")}`, {
      code: ErrorCode.PROTOCOL,
      details: { received: matched.length > 0 ? matched : `flags 0x${pdu.flags.toString(16)}` },
    });
  }
  return pdu;
}

/** The u32 of the `index`-th command of a matched PDU (the shape guarantees its type). */
export function numberAt(pdu: RtsPdu, index: number): number {
  return (pdu.commands[index] as RtsNumberCommand).value;
}

/** The cookie of the `index`-th command of a matched PDU. */
export function cookieAt(pdu: RtsPdu, index: number): Uint8Array {
  const command = pdu.commands[index];
  return command && "cookie" in command ? command.cookie : new Uint8Array(16);
}

const version = (value = RPCH_PROTOCOL_VERSION): RtsCommand => ({ type: "Version", value });
const cookie = (value: Uint8Array): RtsCommand => ({ type: "Cookie", cookie: value });
const number = (type: RtsNumberCommand["type"], value: number): RtsCommand => ({ type, value });
const build = (name: RtsPduName, commands: RtsCommand[]) =>
  encodeRtsPdu({ flags: RTS_PDU_SHAPES[name].flags, commands });

// Builders for the PDUs a client or a combined proxy+server sends. Field names follow 2.2.4.

/** 2.2.4.2: opens the OUT channel. */
export function connA1(fields: {
  virtualConnectionCookie: Uint8Array;
  outChannelCookie: Uint8Array;
  receiveWindowSize: number;
  version?: number;
}): Uint8Array {
  return build("CONN/A1", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.outChannelCookie),
    number("ReceiveWindowSize", fields.receiveWindowSize),
  ]);
}

/** 2.2.4.3: outbound proxy to server. */
export function connA2(fields: {
  virtualConnectionCookie: Uint8Array;
  outChannelCookie: Uint8Array;
  channelLifetime: number;
  receiveWindowSize: number;
  version?: number;
}): Uint8Array {
  return build("CONN/A2", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.outChannelCookie),
    number("ChannelLifetime", fields.channelLifetime),
    number("ReceiveWindowSize", fields.receiveWindowSize),
  ]);
}

/** 2.2.4.4: the outbound proxy's connection timeout for the OUT channel. */
export function connA3(fields: { connectionTimeout: number }): Uint8Array {
  return build("CONN/A3", [number("ConnectionTimeout", fields.connectionTimeout)]);
}

/** 2.2.4.5: opens the IN channel. */
export function connB1(fields: {
  virtualConnectionCookie: Uint8Array;
  inChannelCookie: Uint8Array;
  channelLifetime: number;
  clientKeepalive: number;
  associationGroupId: Uint8Array;
  version?: number;
}): Uint8Array {
  return build("CONN/B1", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.inChannelCookie),
    number("ChannelLifetime", fields.channelLifetime),
    number("ClientKeepalive", fields.clientKeepalive),
    { type: "AssociationGroupId", cookie: fields.associationGroupId },
  ]);
}

/** 2.2.4.6: inbound proxy to server. */
export function connB2(fields: {
  virtualConnectionCookie: Uint8Array;
  inChannelCookie: Uint8Array;
  receiveWindowSize: number;
  connectionTimeout: number;
  associationGroupId: Uint8Array;
  clientAddress: Uint8Array;
  version?: number;
}): Uint8Array {
  return build("CONN/B2", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.inChannelCookie),
    number("ReceiveWindowSize", fields.receiveWindowSize),
    number("ConnectionTimeout", fields.connectionTimeout),
    { type: "AssociationGroupId", cookie: fields.associationGroupId },
    { type: "ClientAddress", address: fields.clientAddress },
  ]);
}

/** 2.2.4.7: server to inbound proxy. */
export function connB3(fields: { receiveWindowSize: number; version?: number }): Uint8Array {
  return build("CONN/B3", [number("ReceiveWindowSize", fields.receiveWindowSize), version(fields.version)]);
}

/** 2.2.4.8 (server to outbound proxy) and 2.2.4.9 (outbound proxy to client) share a layout. */
export function connC(
  name: "CONN/C1" | "CONN/C2",
  fields: { receiveWindowSize: number; connectionTimeout: number; version?: number },
): Uint8Array {
  return build(name, [
    version(fields.version),
    number("ReceiveWindowSize", fields.receiveWindowSize),
    number("ConnectionTimeout", fields.connectionTimeout),
  ]);
}

/** 2.2.4.10 / 2.2.4.18 (same bytes): opens a successor IN channel. */
export function inR1A1(fields: {
  virtualConnectionCookie: Uint8Array;
  predecessorChannelCookie: Uint8Array;
  successorChannelCookie: Uint8Array;
  version?: number;
}): Uint8Array {
  return build("IN_R1/A1", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.predecessorChannelCookie),
    cookie(fields.successorChannelCookie),
  ]);
}

/** 2.2.4.21 (IN_R2/A4) / 2.2.4.20 (IN_R2/A3): the server's go-ahead, Destination FDClient. */
export function inR2A4(): Uint8Array {
  return build("IN_R2/A4", [number("Destination", ForwardDestination.FDClient)]);
}

/** 2.2.4.14 / 2.2.4.22 (same bytes): sent on the predecessor IN channel, naming the successor. */
export function inR2A5(fields: { successorChannelCookie: Uint8Array }): Uint8Array {
  return build("IN_R2/A5", [cookie(fields.successorChannelCookie)]);
}

/** 2.2.4.35 OUT_R2/A2 (and OUT_R1/A2): the outbound proxy asks the client to recycle the OUT channel. */
export function outR2A2(): Uint8Array {
  return build("OUT_R2/A2", [number("Destination", ForwardDestination.FDClient)]);
}

/**
 * 2.2.4.24 OUT_R1/A3 / 2.2.4.36 OUT_R2/A3 (same bytes): the body of the successor OUT channel's
 * RPC_OUT_DATA request, naming the channel it replaces.
 */
export function outR1A3(fields: {
  virtualConnectionCookie: Uint8Array;
  predecessorChannelCookie: Uint8Array;
  successorChannelCookie: Uint8Array;
  receiveWindowSize: number;
  version?: number;
}): Uint8Array {
  return build("OUT_R1/A3", [
    version(fields.version),
    cookie(fields.virtualConnectionCookie),
    cookie(fields.predecessorChannelCookie),
    cookie(fields.successorChannelCookie),
    number("ReceiveWindowSize", fields.receiveWindowSize),
  ]);
}

/** 2.2.4.39 OUT_R2/A6 (and 2.2.4.38 OUT_R2/A5): the server saw the successor OUT channel. */
export function outR2A6(): Uint8Array {
  return build("OUT_R2/A6", [number("Destination", ForwardDestination.FDClient), { type: "ANCE" }]);
}

/** 2.2.4.40 OUT_R2/A7: the client, on the IN channel, tells the server to switch to the successor. */
export function outR2A7(fields: { successorChannelCookie: Uint8Array; version?: number }): Uint8Array {
  return build("OUT_R2/A7", [
    number("Destination", ForwardDestination.FDServer),
    cookie(fields.successorChannelCookie),
    version(fields.version),
  ]);
}

/**
 * 2.2.4.29 OUT_R1/A7, on the IN channel once OUT_R1/A6 arrived: the server is to switch to the
 * successor OUT channel (forwarded as OUT_R1/A8). Unlike OUT_R2/A7 it carries no Version.
 */
export function outR1A7(fields: { successorChannelCookie: Uint8Array }): Uint8Array {
  return build("OUT_R1/A7", [
    number("Destination", ForwardDestination.FDServer),
    cookie(fields.successorChannelCookie),
  ]);
}

/**
 * 2.2.4.33 OUT_R1/A11, the last bytes of a successor OUT channel's request body once the
 * predecessor ended with OUT_R1/A10: 96 (OUT_R1/A3) + 24 = the 120-byte Content-Length that
 * 2.1.2.1.2 sets for a replacement OUT channel.
 */
export function outR1A11(): Uint8Array {
  return build("OUT_R1/A11", [{ type: "ANCE" }]);
}

/** 2.2.4.44 OUT_R2/B3: the last PDU on the predecessor OUT channel. */
export function outR2B3(): Uint8Array {
  return build("OUT_R2/B3", [{ type: "ANCE" }]);
}

/** 2.2.4.49: keeps an idle channel open through proxies. */
export function ping(): Uint8Array {
  return build("Ping", []);
}

/** 2.2.4.50: an acknowledgment sent straight to the peer of the channel. */
export function flowControlAck(ack: {
  bytesReceived: number;
  availableWindow: number;
  channelCookie: Uint8Array;
}): Uint8Array {
  return build("FlowControlAck", [{ type: "FlowControlAck", ...ack }]);
}

/** 2.2.4.51: an acknowledgment forwarded to `destination` (the client acks the OUT channel via FDOutProxy). */
export function flowControlAckWithDestination(
  destination: number,
  ack: { bytesReceived: number; availableWindow: number; channelCookie: Uint8Array },
): Uint8Array {
  return build("FlowControlAckWithDestination", [
    number("Destination", destination),
    { type: "FlowControlAck", ...ack },
  ]);
}

/** The reply to an echo request ([MS-RPCH] 2.1.2.1.9/2.1.2.1.10): 20 bytes, RTS_FLAG_ECHO. */
export function echo(): Uint8Array {
  return build("Echo", []);
}
