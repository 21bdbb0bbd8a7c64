import { decodePdu, PacketType, PfcFlag } from "../../src/index.js";
import type { TcpConversation } from "./pcap-writer.js";

// The DCE/RPC calls of recorded conversations (C706 12.6), decoded by src's decodePdu: each
// request's and response's stub, fragments joined, without the auth padding (the sec_trailer
// and verifier are already cut off, MS-RPCE 2.2.2.11). What the wire check checks is the stub
// layout, walked independently by nspi-layout-walker.ts; taking the PDUs apart is not.

export interface RecordedCall {
  /** The abstract syntax the connection's bind proposed first (e.g. NSPI_INTERFACE.uuid). */
  readonly interfaceUuid: string;
  readonly opnum: number;
  readonly request: Uint8Array;
  readonly response: Uint8Array;
}

/** The stub without its auth padding: at packet integrity the padding is all that is left to cut. */
function plainStub(pdu: { stub: Uint8Array; auth?: { authPadLength: number } | undefined }): Uint8Array {
  return pdu.stub.subarray(0, pdu.stub.length - (pdu.auth?.authPadLength ?? 0));
}

export function recordedCalls(conversations: readonly TcpConversation[]): RecordedCall[] {
  const calls: RecordedCall[] = [];
  for (const conversation of conversations) {
    let interfaceUuid = "";
    const requests = new Map<number, { opnum: number; stub: Uint8Array[] }>();
    const responses = new Map<number, Uint8Array[]>();
    for (const { payload } of conversation.segments) {
      const pdu = decodePdu(payload);
      if (pdu.type === PacketType.bind) interfaceUuid = pdu.contexts[0]?.abstractSyntax.uuid ?? "";
      if (pdu.type === PacketType.request) {
        const entry = requests.get(pdu.callId) ?? { opnum: pdu.opnum, stub: [] };
        entry.stub.push(plainStub(pdu));
        requests.set(pdu.callId, entry);
      }
      if (pdu.type === PacketType.response) {
        const parts = [...(responses.get(pdu.callId) ?? []), plainStub(pdu)];
        responses.set(pdu.callId, parts);
        const request = requests.get(pdu.callId);
        if (pdu.flags & PfcFlag.LAST_FRAG && request) {
          calls.push({
            interfaceUuid,
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
