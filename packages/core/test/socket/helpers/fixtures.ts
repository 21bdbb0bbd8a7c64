import { afterEach } from "vitest";
import type { MailwireError } from "../../../src/index.js";
import { connect, type LineConnection } from "../../../src/socket/index.js";
import { type TestServer, tcpServer } from "./servers.js";

/**
 * Servers and client connections that a test file opens, closed after each test. Call once
 * at the top level of a test file: it registers the afterEach hook there.
 */
export function useSocketFixtures() {
  const servers: TestServer[] = [];
  const connections: LineConnection[] = [];

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.destroy();
    for (const server of servers.splice(0)) await server.close();
  });

  return {
    async serve(onConnection: Parameters<typeof tcpServer>[0]): Promise<TestServer> {
      const server = await tcpServer(onConnection);
      servers.push(server);
      return server;
    },
    async open(server: TestServer, extra: Partial<Parameters<typeof connect>[0]> = {}) {
      const connection = await connect({ host: "127.0.0.1", port: server.port, ...extra });
      connections.push(connection);
      return connection;
    },
    /** For connections a test builds itself (an injected socket), so they are cleaned up too. */
    track(connection: LineConnection): LineConnection {
      connections.push(connection);
      return connection;
    },
  };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<MailwireError> {
  try {
    await promise;
  } catch (error) {
    return error as MailwireError;
  }
  throw new Error("expected a rejection");
}

/**
 * Counts the listeners currently added to `signal` (add minus remove), so a test can check
 * that a settled read left none behind.
 */
export function countAbortListeners(signal: AbortSignal): () => number {
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  }) as typeof remove;
  return () => listeners;
}
