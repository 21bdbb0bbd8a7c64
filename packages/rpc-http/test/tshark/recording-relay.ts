import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { PduFramer } from "../../src/index.js";
import type { TcpConversation, TcpSegment } from "./pcap-writer.js";

// A TCP relay in front of a DCE/RPC server that keeps every byte each way, cut at PDU
// boundaries by src's PduFramer (frag_length, C706 12.6.1), for writePcap. The framing is
// not what the wire check checks: tshark and the NSPI walker read the PDUs it keeps.

interface Recording {
  readonly clientPort: number;
  readonly segments: TcpSegment[];
}

/** Records each PDU one direction carries, whole, as the framer cuts it. */
function recorder(recording: Recording, fromClient: boolean): (chunk: Uint8Array) => void {
  const framer = new PduFramer();
  return (chunk) => {
    for (const payload of framer.push(chunk)) recording.segments.push({ fromClient, payload });
  };
}

export interface RecordingRelay {
  readonly port: number;
  /** The connections so far, each with the PDUs in the order they crossed. */
  conversations(): TcpConversation[];
  close(): Promise<void>;
}

export async function startRecordingRelay(target: { host: string; port: number }): Promise<RecordingRelay> {
  const recordings: Recording[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const recording: Recording = { clientPort: client.remotePort ?? 0, segments: [] };
    const fromClient = recorder(recording, true);
    const fromServer = recorder(recording, false);
    recordings.push(recording);
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      fromServer(chunk);
      client.write(chunk);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    conversations: () =>
      recordings.map((r) => ({ clientPort: r.clientPort, serverPort: port, segments: [...r.segments] })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
