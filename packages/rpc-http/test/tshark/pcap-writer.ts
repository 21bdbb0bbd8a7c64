// A classic libpcap file of synthetic IPv4/TCP frames (LINKTYPE_RAW), so tshark can read a
// session recorded by our own relay: no capture rights, no dumpcap, the same bytes every run.
// Each DCE/RPC PDU becomes one TCP segment (one frame), so a frame's dissection is one PDU's.

/** One TCP connection's payload, in the order it crossed the relay. */
export interface TcpSegment {
  readonly fromClient: boolean;
  readonly payload: Uint8Array;
}

export interface TcpConversation {
  readonly clientPort: number;
  readonly serverPort: number;
  readonly segments: readonly TcpSegment[];
}

const CLIENT_IP = [127, 0, 0, 1] as const;
const SERVER_IP = [127, 0, 0, 2] as const;
const TCP_FLAG = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const;
// Linux loopback's MSS; PDUs are at most 5840 bytes (the sim's max_xmit), so one segment each.
const MAX_SEGMENT = 65_000;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] as number) * 256 + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4TcpFrame(options: {
  fromClient: boolean;
  clientPort: number;
  serverPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}): Uint8Array {
  const { fromClient, payload } = options;
  const src = fromClient ? CLIENT_IP : SERVER_IP;
  const dst = fromClient ? SERVER_IP : CLIENT_IP;
  const tcp = new Uint8Array(20 + payload.length);
  const t = new DataView(tcp.buffer);
  t.setUint16(0, fromClient ? options.clientPort : options.serverPort);
  t.setUint16(2, fromClient ? options.serverPort : options.clientPort);
  t.setUint32(4, options.seq >>> 0);
  t.setUint32(8, options.ack >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = options.flags;
  t.setUint16(14, 0xffff);
  tcp.set(payload, 20);
  const pseudo = new Uint8Array(12 + tcp.length);
  pseudo.set(src, 0);
  pseudo.set(dst, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, tcp.length);
  pseudo.set(tcp, 12);
  t.setUint16(16, checksum(pseudo));
  const ip = new Uint8Array(20 + tcp.length);
  const v = new DataView(ip.buffer);
  ip[0] = 0x45;
  v.setUint16(2, ip.length);
  v.setUint16(6, 0x4000); // DF
  ip[8] = 64;
  ip[9] = 6;
  ip.set(src, 12);
  ip.set(dst, 16);
  v.setUint16(10, checksum(ip.subarray(0, 20)));
  ip.set(tcp, 20);
  return ip;
}

/** Writes the conversations one after the other (handshake, data, FIN each way). */
export function writePcap(conversations: readonly TcpConversation[]): Uint8Array {
  const frames: Uint8Array[] = [];
  for (const conversation of conversations) {
    const base = { clientPort: conversation.clientPort, serverPort: conversation.serverPort };
    let clientSeq = 1000;
    let serverSeq = 5000;
    const push = (fromClient: boolean, flags: number, payload: Uint8Array = new Uint8Array(0)) => {
      frames.push(
        ipv4TcpFrame({
          ...base,
          fromClient,
          flags,
          payload,
          seq: fromClient ? clientSeq : serverSeq,
          ack: fromClient ? serverSeq : clientSeq,
        }),
      );
      const advance = payload.length + (flags & (TCP_FLAG.SYN | TCP_FLAG.FIN) ? 1 : 0);
      if (fromClient) clientSeq += advance;
      else serverSeq += advance;
    };
    push(true, TCP_FLAG.SYN);
    // The SYN-ACK acknowledges the client's SYN before the server's own sequence advances.
    push(false, TCP_FLAG.SYN | TCP_FLAG.ACK);
    push(true, TCP_FLAG.ACK);
    for (const segment of conversation.segments) {
      for (let at = 0; at < segment.payload.length; at += MAX_SEGMENT) {
        push(segment.fromClient, TCP_FLAG.PSH | TCP_FLAG.ACK, segment.payload.subarray(at, at + MAX_SEGMENT));
      }
    }
    push(true, TCP_FLAG.FIN | TCP_FLAG.ACK);
    push(false, TCP_FLAG.FIN | TCP_FLAG.ACK);
    push(true, TCP_FLAG.ACK);
  }
  const header = new Uint8Array(24);
  const h = new DataView(header.buffer);
  h.setUint32(0, 0xa1b2c3d4, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, 262_144, true);
  h.setUint32(20, 101, true); // LINKTYPE_RAW: frames start with the IPv4 header
  const records = frames.map((frame, index) => {
    const record = new Uint8Array(16 + frame.length);
    const r = new DataView(record.buffer);
    // Synthetic, increasing timestamps (1 ms apart) keep the file the same on every run.
    r.setUint32(0, 1_700_000_000 + Math.floor(index / 1000), true);
    r.setUint32(4, (index % 1000) * 1000, true);
    r.setUint32(8, frame.length, true);
    r.setUint32(12, frame.length, true);
    record.set(frame, 16);
    return record;
  });
  return Buffer.concat([header, ...records]);
}
