import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tlsFixtures } from "./tls-fixtures.js";

export type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface TestServer {
  readonly url: string;
  readonly server: Server;
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  /** Requests seen so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1, port 0; close() also kills kept-alive sockets. */
export interface StartServerOptions {
  tls?: boolean;
  /** Extra node:https server options, e.g. `requestCert` for mutual TLS. */
  tlsOptions?: HttpsServerOptions;
}

export async function startServer(handler: Handler, options: StartServerOptions = {}): Promise<TestServer> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const wrapped = (request: IncomingMessage, response: ServerResponse) => {
    requests++;
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.destroy(error as Error);
    });
  };
  let server: Server;
  if (options.tls) {
    const { serverCert, serverKey } = await tlsFixtures();
    server = createHttpsServer(
      { cert: serverCert, key: serverKey, ...options.tlsOptions },
      wrapped,
    ) as unknown as Server;
    server.on("secureConnection", () => connections++);
  } else {
    server = createHttpServer(wrapped);
    server.on("connection", () => connections++);
  }
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    server,
    connections: () => connections,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads a request body fully. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
