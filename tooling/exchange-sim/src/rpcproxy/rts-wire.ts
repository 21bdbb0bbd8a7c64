// The RTS PDUs the simulated RPC proxy reads and writes ([MS-RPCH] 2.2.3, 2.2.4). Written
// apart from @mailwire/rpc-http's codec on purpose: the client is tested against this, so a
// misreading of the spec shared by both would go unnoticed.

export const RTS = {
  ptype: 20,
  flags: {
    none: 0,
    ping: 0x1,
    otherCmd: 0x2,
    recycle: 0x4,
    inChannel: 0x8,
    outChannel: 0x10,
    eof: 0x20,
    echo: 0x40,
  },
  command: {
    receiveWindowSize: 0,
    flowControlAck: 1,
    connectionTimeout: 2,
    cookie: 3,
    channelLifetime: 4,
    clientKeepalive: 5,
    version: 6,
    empty: 7,
    padding: 8,
    negativeAnce: 9,
    ance: 10,
    clientAddress: 11,
    associationGroupId: 12,
    destination: 13,
    pingTrafficSentNotify: 14,
  },
  destination: { client: 0, inProxy: 1, server: 2, outProxy: 3 },
} as const;

/** One decoded command: its type, and either its u32, its cookie (hex), or its ack. */
export interface WireCommand {
  type: number;
  value?: number;
  cookie?: string;
  ack?: { bytesReceived: number; availableWindow: number; cookie: string };
}

export interface WirePdu {
  flags: number;
  commands: WireCommand[];
}

export class RtsWireError extends Error {}

/** Decodes a whole RTS PDU (frag_length already checked by the caller's framing). */
export function readRts(pdu: Buffer): WirePdu {
  if (pdu.length < 20 || pdu[2] !== RTS.ptype) throw new RtsWireError("not an RTS PDU");
  const flags = pdu.readUInt16LE(16);
  const count = pdu.readUInt16LE(18);
  if (count > 16) throw new RtsWireError("too many commands");
  const commands: WireCommand[] = [];
  let at = 20;
  const take = (size: number) => {
    if (at + size > pdu.length) throw new RtsWireError("truncated command");
    const start = at;
    at += size;
    return start;
  };
  for (let index = 0; index < count; index++) {
    const type = pdu.readUInt32LE(take(4));
    const c = RTS.command;
    if (type === c.cookie || type === c.associationGroupId) {
      commands.push({ type, cookie: pdu.toString("hex", take(16), at) });
    } else if (type === c.flowControlAck) {
      const start = take(24);
      commands.push({
        type,
        ack: {
          bytesReceived: pdu.readUInt32LE(start),
          availableWindow: pdu.readUInt32LE(start + 4),
          cookie: pdu.toString("hex", start + 8, start + 24),
        },
      });
    } else if (type === c.empty || type === c.ance || type === c.negativeAnce) {
      commands.push({ type });
    } else if (type === c.padding) {
      const length = pdu.readUInt32LE(take(4));
      take(length);
      commands.push({ type, value: length });
    } else if (type === c.clientAddress) {
      const family = pdu.readUInt32LE(take(4));
      take((family === 0 ? 4 : 16) + 12);
      commands.push({ type, value: family });
    } else if (type <= c.pingTrafficSentNotify) {
      commands.push({ type, value: pdu.readUInt32LE(take(4)) });
    } else throw new RtsWireError(`unknown command ${type}`);
  }
  if (at !== pdu.length) throw new RtsWireError("bytes after the commands");
  return { flags, commands };
}

/** The command types of a PDU, for comparing with a spec layout. */
export function shapeOf(pdu: WirePdu): string {
  return `${pdu.flags}:${pdu.commands.map((command) => command.type).join(",")}`;
}

type Part =
  | { u32: [type: number, value: number] }
  | { cookie: [type: number, hex: string] }
  | { bare: number };

/** Encodes flags + commands into an RTS PDU with a correct frag_length. */
export function writeRts(flags: number, parts: Part[]): Buffer {
  let size = 20;
  for (const part of parts) size += "u32" in part ? 8 : "cookie" in part ? 20 : 4;
  const out = Buffer.alloc(size);
  out.set([5, 0, RTS.ptype, 0x03, 0x10, 0, 0, 0]);
  out.writeUInt16LE(size, 8);
  out.writeUInt16LE(flags, 16);
  out.writeUInt16LE(parts.length, 18);
  let at = 20;
  for (const part of parts) {
    if ("u32" in part) {
      out.writeUInt32LE(part.u32[0], at);
      out.writeUInt32LE(part.u32[1], at + 4);
      at += 8;
    } else if ("cookie" in part) {
      out.writeUInt32LE(part.cookie[0], at);
      out.write(part.cookie[1], at + 4, "hex");
      at += 20;
    } else {
      out.writeUInt32LE(part.bare, at);
      at += 4;
    }
  }
  return out;
}

const c = RTS.command;

/** 2.2.4.4 CONN/A3. */
export const connA3 = (timeoutMs: number) =>
  writeRts(RTS.flags.none, [{ u32: [c.connectionTimeout, timeoutMs] }]);

/** 2.2.4.9 CONN/C2. */
export const connC2 = (receiveWindow: number, timeoutMs: number) =>
  writeRts(RTS.flags.none, [
    { u32: [c.version, 1] },
    { u32: [c.receiveWindowSize, receiveWindow] },
    { u32: [c.connectionTimeout, timeoutMs] },
  ]);

/** 2.2.4.21 IN_R2/A4: the successor IN channel may take over. */
export const inR2A4 = () => writeRts(RTS.flags.none, [{ u32: [c.destination, RTS.destination.client] }]);

/** 2.2.4.35 OUT_R2/A2: the outbound proxy asks the client for a successor OUT channel. */
export const outR2A2 = () => writeRts(RTS.flags.recycle, [{ u32: [c.destination, RTS.destination.client] }]);

/** 2.2.4.39 OUT_R2/A6 (the server's OUT_R2/A5, forwarded): the successor is known to the server. */
export const outR2A6 = () =>
  writeRts(RTS.flags.none, [{ u32: [c.destination, RTS.destination.client] }, { bare: c.ance }]);

/**
 * 2.2.4.28 OUT_R1/A6 (the server's OUT_R1/A5, forwarded by the predecessor outbound proxy): the
 * successor OUT channel reached another outbound proxy and the server knows it.
 */
export const outR1A6 = (timeoutMs: number) =>
  writeRts(RTS.flags.outChannel, [
    { u32: [c.destination, RTS.destination.client] },
    { u32: [c.version, 1] },
    { u32: [c.connectionTimeout, timeoutMs] },
  ]);

/** 2.2.4.32 OUT_R1/A10: the predecessor outbound proxy's last PDU in the OUT_R1 sequence. */
export const outR1A10 = () => writeRts(RTS.flags.none, [{ bare: c.ance }]);

/** 2.2.4.44 OUT_R2/B3: the last PDU on the predecessor OUT channel. */
export const outR2B3 = () => writeRts(RTS.flags.eof, [{ bare: c.ance }]);

/** 2.2.4.50 FlowControlAck, sent to the client on the OUT channel for its IN channel traffic. */
export function flowControlAck(bytesReceived: number, availableWindow: number, cookieHex: string): Buffer {
  const out = Buffer.alloc(48);
  out.set([5, 0, RTS.ptype, 0x03, 0x10, 0, 0, 0]);
  out.writeUInt16LE(48, 8);
  out.writeUInt16LE(RTS.flags.otherCmd, 16);
  out.writeUInt16LE(1, 18);
  out.writeUInt32LE(c.flowControlAck, 20);
  out.writeUInt32LE(bytesReceived >>> 0, 24);
  out.writeUInt32LE(availableWindow, 28);
  out.write(cookieHex, 32, "hex");
  return out;
}

/** 2.2.4.49 Ping. */
export const ping = () => writeRts(RTS.flags.ping, []);

/** The 20-byte answer to an echo request (2.1.2.1.9, 2.1.2.1.10). */
export const echoReply = () => writeRts(RTS.flags.echo, []);

/** Shapes ("flags:types") of the PDUs the proxy accepts from a client. */
export const CLIENT_SHAPES = {
  connA1: `0:${[c.version, c.cookie, c.cookie, c.receiveWindowSize].join(",")}`,
  connB1: `0:${[c.version, c.cookie, c.cookie, c.channelLifetime, c.clientKeepalive, c.associationGroupId].join(",")}`,
  inR1A1: `${RTS.flags.recycle}:${[c.version, c.cookie, c.cookie, c.cookie].join(",")}`,
  inR2A5: `0:${c.cookie}`,
  /** 2.2.4.24 OUT_R1/A3 and 2.2.4.36 OUT_R2/A3 (same layout): opens a successor OUT channel. */
  outR2A3: `${RTS.flags.recycle}:${[c.version, c.cookie, c.cookie, c.cookie, c.receiveWindowSize].join(",")}`,
  /** 2.2.4.29 OUT_R1/A7, on the IN channel: switch to the successor OUT channel (OUT_R1). */
  outR1A7: `${RTS.flags.outChannel}:${[c.destination, c.cookie].join(",")}`,
  /** 2.2.4.33 OUT_R1/A11, the rest of a successor OUT channel's request body (OUT_R1). */
  outR1A11: `0:${c.ance}`,
  /** 2.2.4.40 OUT_R2/A7, on the IN channel: switch to the successor OUT channel. */
  outR2A7: `${RTS.flags.outChannel}:${[c.destination, c.cookie, c.version].join(",")}`,
  ping: `${RTS.flags.ping}:`,
  ackWithDestination: `${RTS.flags.otherCmd}:${c.destination},${c.flowControlAck}`,
} as const;
