import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";

// A stand-in for the RPC server behind the sim's proxy: it echoes every PDU, and answers a
// "burst" request with many PDUs so the OUT channel's flow control has something to hold back.

/** A request-like PDU (PTYPE 0) of `size` bytes whose body is `fill`. */
export function dataPdu(size: number, fill = 0x5a): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set([5, 0, 0, 3, 0x10, 0, 0, 0]);
  new DataView(bytes.buffer).setUint16(8, size, true);
  bytes[10] = 0;
  bytes[11] = 0;
  return bytes;
}

/** Asks the backend for `count` response PDUs of `size` bytes (PTYPE 2, byte 16 = index). */
export function burstRequest(count: number, size: number): Uint8Array {
  const bytes = dataPdu(32, 0);
  bytes[16] = 0xfe;
  new DataView(bytes.buffer).setUint32(20, count, true);
  new DataView(bytes.buffer).setUint32(24, size, true);
  return bytes;
}

/** Asks the backend to stay silent for this PDU. */
export function silentRequest(): Uint8Array {
  const bytes = dataPdu(32, 0);
  bytes[16] = 0xfd;
  return bytes;
}

export function burstPdu(index: number, size: number): Uint8Array {
  const bytes = dataPdu(size, index & 0xff);
  bytes[2] = 2;
  return bytes;
}

export interface TestBackend {
  port: number;
  connections: number;
  close(): Promise<void>;
}

export async function startTestBackend(): Promise<TestBackend> {
  const sockets = new Set<Socket>();
  const backend: TestBackend = { port: 0, connections: 0, close: async () => {} };
  const server: Server = createServer((socket) => {
    backend.connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 10 && pending.length >= pending.readUInt16LE(8)) {
        const pdu = pending.subarray(0, pending.readUInt16LE(8));
        pending = pending.subarray(pdu.length);
        if (pdu[16] === 0xfe && pdu.length >= 28) {
          const count = pdu.readUInt32LE(20);
          const size = pdu.readUInt32LE(24);
          for (let index = 0; index < count; index++) socket.write(burstPdu(index, size));
        } else if (pdu[16] !== 0xfd) socket.write(Buffer.from(pdu));
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  backend.port = (server.address() as AddressInfo).port;
  backend.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return backend;
}
