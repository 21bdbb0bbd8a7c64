import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { ConnectionError, LimitExceededError, ParseError, toHex } from "@mailwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { RpcConnection } from "../src/client/rpc-connection.js";
import { NDR_TRANSFER_SYNTAX, PacketType, PfcFlag } from "../src/dcerpc/constants.js";
import { decodePdu } from "../src/dcerpc/pdu-decode.js";
import { encodePdu } from "../src/dcerpc/pdu-encode.js";
import { EMSMDB_INTERFACE } from "../src/emsmdb/interfaces.js";
import { PduFramer } from "../src/rts/pdu-framer.js";
import { lookupTcpEndpoint } from "../src/tcp/endpoint-mapper.js";
import {
  decodeEptMapRequest,
  decodeEptMapResponse,
  EPMAPPER_INTERFACE,
  EPT_S_NOT_REGISTERED,
  encodeEptMapRequest,
  encodeEptMapResponse,
} from "../src/tcp/ept-map.js";
import { decodeTcpTower, encodeTcpTower } from "../src/tcp/ept-tower.js";
import { TcpPduTransport } from "../src/tcp/tcp-pdu-transport.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server that hands each connection to `onSocket`. */
async function listen(onSocket: (socket: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

const ack = (callId: number, iface = EMSMDB_INTERFACE) =>
  encodePdu({
    type: PacketType.bind_ack,
    flags: 3,
    callId,
    maxXmitFrag: 5840,
    maxRecvFrag: 5840,
    assocGroupId: 1,
    secondaryAddress: iface === EPMAPPER_INTERFACE ? "135" : "6001",
    results: [{ result: 0, reason: 0, transferSyntax: NDR_TRANSFER_SYNTAX }],
  });

describe("protocol towers and ept_map (C706 appendix L and O)", () => {
  it("encodes the five ncacn_ip_tcp floors; the port is big-endian", () => {
    const tower = encodeTcpTower({ interface: EMSMDB_INTERFACE, port: 6001, address: "10.0.0.5" });
    expect(toHex(tower.subarray(0, 2))).toBe("0500");
    expect(toHex(tower.subarray(tower.length - 16))).toBe(
      "0100" + "07" + "0200" + "1771" + "0100" + "09" + "0400" + "0a000005",
    );
    expect(decodeTcpTower(tower)).toEqual({ interface: EMSMDB_INTERFACE, port: 6001, address: "10.0.0.5" });
  });

  it("ept_map request and response round-trip", () => {
    const tower = encodeTcpTower({ interface: EMSMDB_INTERFACE, port: 0, address: "0.0.0.0" });
    expect(toHex(decodeEptMapRequest(encodeEptMapRequest({ tower })).tower)).toBe(toHex(tower));
    const answer = encodeTcpTower({ interface: EMSMDB_INTERFACE, port: 6001, address: "127.0.0.1" });
    const response = {
      entryHandle: { attributes: 0, uuid: new Uint8Array(16) },
      towers: [answer, answer],
      status: 0,
    };
    expect(decodeEptMapResponse(encodeEptMapResponse(response, 4))).toEqual(response);
  });
});

describe("TcpPduTransport (ncacn_ip_tcp)", () => {
  it("reads PDUs however the bytes are split on the wire", async () => {
    const pdus = [
      ack(1),
      encodePdu({
        type: 2,
        flags: 3,
        callId: 2,
        allocHint: 0,
        contextId: 0,
        cancelCount: 0,
        stub: new Uint8Array(3000).fill(5),
      }),
    ];
    const stream = Buffer.concat(pdus);
    const port = await listen((socket) => {
      // Dribble the stream in 7-byte pieces.
      let at = 0;
      const timer = setInterval(() => {
        socket.write(stream.subarray(at, at + 7));
        at += 7;
        if (at >= stream.length) clearInterval(timer);
      }, 0);
      socket.on("close", () => clearInterval(timer));
    });
    const transport = await TcpPduTransport.connect({ host: "127.0.0.1", port });
    expect(toHex(await transport.receive())).toBe(toHex(pdus[0] as Uint8Array));
    expect(toHex(await transport.receive())).toBe(toHex(pdus[1] as Uint8Array));
    await transport.close();
  });

  it("an oversized frag_length fails after the header, before the body is read", async () => {
    const port = await listen((socket) => {
      const header = Buffer.from(ack(1).subarray(0, 16));
      header.writeUInt16LE(60_000, 8);
      socket.write(header);
    });
    const transport = await TcpPduTransport.connect({ host: "127.0.0.1", port, maxFragLength: 5840 });
    await expect(transport.receive()).rejects.toBeInstanceOf(LimitExceededError);
    await transport.close();
  });

  it("garbage instead of a PDU header is a ParseError", async () => {
    const port = await listen((socket) => socket.write("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const transport = await TcpPduTransport.connect({ host: "127.0.0.1", port });
    await expect(transport.receive()).rejects.toBeInstanceOf(ParseError);
    await transport.close();
  });

  it("the server closing mid-PDU is a ConnectionError, not a hang", async () => {
    const port = await listen((socket) => {
      socket.end(Buffer.from(ack(1).subarray(0, 30)));
    });
    const transport = await TcpPduTransport.connect({ host: "127.0.0.1", port });
    await expect(transport.receive()).rejects.toBeInstanceOf(ConnectionError);
    await transport.close();
  });

  it("the server closing while a call waits for its response: ConnectionError", async () => {
    const port = await listen((socket) => {
      const framer = new PduFramer();
      socket.on("data", (chunk) => {
        for (const bytes of framer.push(chunk)) {
          const pdu = decodePdu(bytes);
          if (pdu.type === PacketType.bind) socket.write(ack(pdu.callId));
          else socket.destroy();
        }
      });
    });
    const transport = await TcpPduTransport.connect({ host: "127.0.0.1", port });
    const connection = await RpcConnection.bind(transport, { interface: EMSMDB_INTERFACE });
    await expect(connection.call(10, new Uint8Array(64))).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe("lookupTcpEndpoint (ept_map over TCP)", () => {
  /** A minimal endpoint mapper that knows one interface's port. */
  async function endpointMapper(known: { uuid: string; port: number } | undefined): Promise<number> {
    return listen((socket) => {
      const framer = new PduFramer();
      socket.on("data", (chunk) => {
        for (const bytes of framer.push(chunk)) {
          const pdu = decodePdu(bytes);
          if (pdu.type === PacketType.bind) {
            socket.write(ack(pdu.callId, EPMAPPER_INTERFACE));
            continue;
          }
          if (pdu.type !== PacketType.request) continue;
          const request = decodeEptMapRequest(pdu.stub);
          const asked = decodeTcpTower(request.tower);
          const hit = known && asked?.interface.uuid === known.uuid;
          const stub = encodeEptMapResponse(
            {
              entryHandle: { attributes: 0, uuid: new Uint8Array(16) },
              towers: hit
                ? [encodeTcpTower({ interface: EMSMDB_INTERFACE, port: known.port, address: "127.0.0.1" })]
                : [],
              status: hit ? 0 : EPT_S_NOT_REGISTERED,
            },
            request.maxTowers ?? 4,
          );
          socket.write(
            encodePdu({
              type: PacketType.response,
              flags: PfcFlag.FIRST_FRAG | PfcFlag.LAST_FRAG,
              callId: pdu.callId,
              allocHint: stub.length,
              contextId: 0,
              cancelCount: 0,
              stub,
            }),
          );
        }
      });
    });
  }

  it("finds the port registered for EMSMDB", async () => {
    const port = await endpointMapper({ uuid: EMSMDB_INTERFACE.uuid, port: 6001 });
    expect(await lookupTcpEndpoint({ host: "127.0.0.1", port, interface: EMSMDB_INTERFACE })).toBe(6001);
  });

  it("an unregistered interface is a ProtocolError", async () => {
    const port = await endpointMapper(undefined);
    await expect(lookupTcpEndpoint({ host: "127.0.0.1", port, interface: EMSMDB_INTERFACE })).rejects.toThrow(
      /no TCP endpoint/,
    );
  });
});
