import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { TestCertificate } from "./certificates.js";

export interface TestServer {
  readonly port: number;
  /** Every connection accepted so far. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Socket[]): Promise<TestServer> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A plaintext TCP server on 127.0.0.1, port 0, calling `onConnection` for each client. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  return listen(server, sockets);
}

/** An implicit-TLS server with the given certificate. */
export function tlsServer(certificate: TestCertificate, onConnection: (socket: TLSSocket) => void) {
  const sockets: Socket[] = [];
  const server = createTlsServer({ cert: certificate.cert, key: certificate.key }, (socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  server.on("tlsClientError", () => {});
  return listen(server, sockets);
}

/** Collects lines written by a client to a server-side socket. */
export function lineSource(socket: Socket | TLSSocket): () => Promise<string> {
  let buffered = "";
  const waiting: Array<(line: string) => void> = [];
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString("latin1");
    for (let i = buffered.indexOf("\r\n"); i !== -1 && waiting.length > 0; i = buffered.indexOf("\r\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 2);
      waiting.shift()?.(line);
    }
  };
  socket.on("data", onData);
  return () =>
    new Promise<string>((resolve) => {
      waiting.push(resolve);
      onData(Buffer.alloc(0));
    });
}
