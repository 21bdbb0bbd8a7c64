import type { TcpConversation } from "./pcap-writer.js";

// The DCE/RPC calls of recorded conversations (C706 12.6): each request's and response's stub,
// fragments joined, without the auth padding, sec_trailer and verifier (MS-RPCE 2.2.2.11).

const PTYPE = { request: 0, response: 2, bind: 11 } as const;
const PFC_LAST_FRAG = 0x02;
const SEC_TRAILER = 8;

export interface RecordedCall {
  readonly interfaceUuidHead: number;
  readonly opnum: number;
  readonly request: Uint8Array;
  readonly response: Uint8Array;
}

function stubOf(pdu: Uint8Array): Uint8Array {
  const view = new DataView(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const fragLength = view.getUint16(8, true);
  const authLength = view.getUint16(10, true);
  if (authLength === 0) return pdu.subarray(24, fragLength);
  const trailer = fragLength - authLength - SEC_TRAILER;
  const pad = pdu[trailer + 2] as number;
  return pdu.subarray(24, trailer - pad);
}

export function recordedCalls(conversations: readonly TcpConversation[]): RecordedCall[] {
  const calls: RecordedCall[] = [];
  for (const conversation of conversations) {
    let interfaceUuidHead = 0;
    const requests = new Map<number, { opnum: number; stub: Uint8Array[] }>();
    const responses = new Map<number, Uint8Array[]>();
    for (const { payload } of conversation.segments) {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      const ptype = payload[2] as number;
      const flags = payload[3] as number;
      const callId = view.getUint32(12, true);
      if (ptype === PTYPE.bind) interfaceUuidHead = view.getUint32(32, true);
      if (ptype === PTYPE.request) {
        const entry = requests.get(callId) ?? { opnum: view.getUint16(22, true), stub: [] };
        entry.stub.push(stubOf(payload));
        requests.set(callId, entry);
      }
      if (ptype === PTYPE.response) {
        const parts = [...(responses.get(callId) ?? []), stubOf(payload)];
        responses.set(callId, parts);
        const request = requests.get(callId);
        if (flags & PFC_LAST_FRAG && request) {
          calls.push({
            interfaceUuidHead,
            opnum: request.opnum,
            request: Buffer.concat(request.stub),
            response: Buffer.concat(parts),
          });
        }
      }
    }
  }
  return calls;
}
