import { ConnectionError, LimitExceededError, ProtocolError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { RpcConnection } from "../src/client/rpc-connection.js";
import { NDR_TRANSFER_SYNTAX, PacketType, PfcFlag } from "../src/dcerpc/constants.js";
import { RpcBindError, RpcFaultError } from "../src/dcerpc/errors.js";
import { FaultStatus } from "../src/dcerpc/fault-status.js";
import { decodePdu } from "../src/dcerpc/pdu-decode.js";
import { encodePdu } from "../src/dcerpc/pdu-encode.js";
import type { Pdu } from "../src/dcerpc/pdu-types.js";
import { StubAssembler } from "../src/dcerpc/stub-assembler.js";
import { FakePduTransport } from "./fake-pdu-transport.js";

const IFACE = { uuid: "12345678-1234-abcd-ef00-0123456789ab", major: 1, minor: 0 };
const LAST = PfcFlag.FIRST_FRAG | PfcFlag.LAST_FRAG;

function ack(callId: number, maxFrag = 5840): Uint8Array {
  return encodePdu({
    type: PacketType.bind_ack,
    flags: LAST,
    callId,
    maxXmitFrag: maxFrag,
    maxRecvFrag: maxFrag,
    assocGroupId: 0x5150,
    secondaryAddress: "6001",
    results: [{ result: 0, reason: 0, transferSyntax: NDR_TRANSFER_SYNTAX }],
  });
}

/** Response fragments of `stub`, `size` stub bytes each. */
function responses(callId: number, stub: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < stub.length || out.length === 0; at += size) {
    const part = stub.subarray(at, at + size);
    const flags = (at === 0 ? PfcFlag.FIRST_FRAG : 0) | (at + size >= stub.length ? PfcFlag.LAST_FRAG : 0);
    out.push(
      encodePdu({
        type: PacketType.response,
        flags,
        callId,
        allocHint: stub.length - at,
        contextId: 0,
        cancelCount: 0,
        stub: part,
      }),
    );
  }
  return out;
}

/** A server that echoes each request's reassembled stub reversed, in fragments of 1000 bytes. */
function echoServer(): (bytes: Uint8Array) => Uint8Array[] {
  const assembler = new StubAssembler();
  return (bytes) => {
    const pdu = decodePdu(bytes);
    if (pdu.type === PacketType.bind) return [ack(pdu.callId, 1432)];
    if (pdu.type !== PacketType.request) return [];
    const whole = assembler.add(pdu.flags, pdu.stub);
    return whole ? responses(pdu.callId, whole.slice().reverse(), 1000) : [];
  };
}

describe("RpcConnection over a PduTransport", () => {
  it("fragments a large request to the negotiated size and reassembles a fragmented response", async () => {
    const transport = new FakePduTransport(echoServer());
    const connection = await RpcConnection.bind(transport, { interface: IFACE });
    expect(connection.maxXmitFrag).toBe(1432);
    expect(connection.secondaryAddress).toBe("6001");
    const stub = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    const answer = await connection.call(7, stub);
    expect([...answer]).toEqual([...stub].reverse());
    const requests = transport.sent.slice(1).map((b) => decodePdu(b) as Extract<Pdu, { type: 0 }>);
    expect(requests.length).toBe(Math.ceil(10_000 / (1432 - 24)));
    expect(transport.sent.slice(1).every((b) => b.length <= 1432)).toBe(true);
    expect(requests[0]?.flags).toBe(PfcFlag.FIRST_FRAG);
    expect(requests.at(-1)?.flags).toBe(PfcFlag.LAST_FRAG);
    expect(requests[0]?.allocHint).toBe(10_000);
    expect(requests.every((r) => r.opnum === 7 && r.callId === 2)).toBe(true);
    expect(connection.stats.pdusReceived).toBe(1 + 10);
    // The next call gets the next call_id and still works.
    expect([...(await connection.call(1, Uint8Array.of(1, 2, 3)))]).toEqual([3, 2, 1]);
  });

  it("a fault PDU becomes RpcFaultError with the nca status name; the connection stays usable", async () => {
    let fault = true;
    const transport = new FakePduTransport((bytes) => {
      const pdu = decodePdu(bytes);
      if (pdu.type === PacketType.bind) return [ack(pdu.callId)];
      if (fault) {
        fault = false;
        return [
          encodePdu({
            type: PacketType.fault,
            flags: LAST | PfcFlag.DID_NOT_EXECUTE,
            callId: pdu.callId,
            allocHint: 0,
            contextId: 0,
            cancelCount: 0,
            status: FaultStatus.nca_s_op_rng_error,
            stub: new Uint8Array(0),
          }),
        ];
      }
      return responses(pdu.callId, Uint8Array.of(9), 100);
    });
    const connection = await RpcConnection.bind(transport, { interface: IFACE });
    const error = await connection
      .call(99, new Uint8Array(4), { operation: "Bogus" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcFaultError);
    expect((error as RpcFaultError).statusName).toBe("nca_s_op_rng_error");
    expect((error as RpcFaultError).didNotExecute).toBe(true);
    expect((error as RpcFaultError).message).toContain("Bogus");
    expect([...(await connection.call(1, new Uint8Array(4)))]).toEqual([9]);
  });

  it("bind_nak becomes RpcBindError with the reject reason", async () => {
    const transport = new FakePduTransport((bytes) => [
      encodePdu({
        type: PacketType.bind_nak,
        flags: LAST,
        callId: decodePdu(bytes).callId,
        reason: 4,
        versions: [[5, 0]],
      }),
    ]);
    const error = await RpcConnection.bind(transport, { interface: IFACE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcBindError);
    expect((error as RpcBindError).reasonName).toBe("protocol_version_not_supported");
  });

  it("a rejected presentation context is a ProtocolError naming the reason", async () => {
    const transport = new FakePduTransport((bytes) => [
      encodePdu({
        type: PacketType.bind_ack,
        flags: LAST,
        callId: decodePdu(bytes).callId,
        maxXmitFrag: 5840,
        maxRecvFrag: 5840,
        assocGroupId: 1,
        secondaryAddress: "",
        results: [
          {
            result: 2,
            reason: 1,
            transferSyntax: { uuid: "00000000-0000-0000-0000-000000000000", major: 0, minor: 0 },
          },
        ],
      }),
    ]);
    await expect(RpcConnection.bind(transport, { interface: IFACE })).rejects.toThrow(
      /abstract_syntax_not_supported/,
    );
  });

  it("the connection closed mid-call: ConnectionError now and for every later call, never a hang", async () => {
    let transport: FakePduTransport | undefined;
    transport = new FakePduTransport((bytes) => {
      const pdu = decodePdu(bytes);
      if (pdu.type === PacketType.bind) return [ack(pdu.callId)];
      // Half the response, then the peer goes away.
      const parts = responses(pdu.callId, new Uint8Array(3000), 1000);
      queueMicrotask(() => transport?.hangUp());
      return parts.slice(0, 1);
    });
    const connection = await RpcConnection.bind(transport, { interface: IFACE });
    await expect(connection.call(1, new Uint8Array(8))).rejects.toBeInstanceOf(ConnectionError);
    await expect(connection.call(1, new Uint8Array(8))).rejects.toBeInstanceOf(ConnectionError);
  });

  it("a response fragment longer than the negotiated max_recv_frag is a LimitExceededError", async () => {
    const transport = new FakePduTransport((bytes) => {
      const pdu = decodePdu(bytes);
      if (pdu.type === PacketType.bind) return [ack(pdu.callId)];
      return responses(pdu.callId, new Uint8Array(3000), 3000);
    });
    const connection = await RpcConnection.bind(transport, { interface: IFACE, maxFragLength: 1432 });
    await expect(connection.call(1, new Uint8Array(8))).rejects.toBeInstanceOf(LimitExceededError);
    expect(transport.closeCalls).toBe(1);
  });

  it("a response for another call_id is a ProtocolError", async () => {
    const transport = new FakePduTransport((bytes) => {
      const pdu = decodePdu(bytes);
      if (pdu.type === PacketType.bind) return [ack(pdu.callId)];
      return responses(pdu.callId + 5, new Uint8Array(8), 100);
    });
    const connection = await RpcConnection.bind(transport, { interface: IFACE });
    await expect(connection.call(1, new Uint8Array(8))).rejects.toBeInstanceOf(ProtocolError);
  });

  it("an abort while waiting ends the call and the connection", async () => {
    const transport = new FakePduTransport((bytes) => {
      const pdu = decodePdu(bytes);
      return pdu.type === PacketType.bind ? [ack(pdu.callId)] : [];
    });
    const connection = await RpcConnection.bind(transport, { interface: IFACE });
    const controller = new AbortController();
    const pending = connection.call(1, new Uint8Array(8), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(transport.sent.length).toBe(2);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(transport.closeCalls).toBe(1);
  });
});
