import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import type { TcpConversation, TcpSegment } from "./pcap-writer.js";

// A TCP relay in front of a DCE/RPC server that keeps every byte each way, cut at PDU
// boundaries (frag_length at offset 8 of the common header, C706 12.6.1), for writePcap.

interface Recording {
  readonly clientPort: number;
  readonly segments: TcpSegment[];
  readonly pending: { client: Uint8Array; server: Uint8Array };
}

function takePdus(recording: Recording, fromClient: boolean, chunk: Uint8Array): void {
  const key = fromClient ? "client" : "server";
  let buffered = Buffer.concat([recording.pending[key], chunk]);
  while (buffered.length >= 10) {
    const fragLength = buffered.readUInt16LE(8);
    if (fragLength < 16 || buffered.length < fragLength) break;
    recording.segments.push({ fromClient, payload: new Uint8Array(buffered.subarray(0, fragLength)) });
    buffered = buffered.subarray(fragLength);
  }
  recording.pending[key] = buffered;
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
    const recording: Recording = {
      clientPort: client.remotePort ?? 0,
      segments: [],
      pending: { client: new Uint8Array(0), server: new Uint8Array(0) },
    };
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
      takePdus(recording, true, chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      takePdus(recording, false, chunk);
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
