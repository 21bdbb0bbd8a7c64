import { createServer, type Server } from "node:net";

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => resolve(server));
  });
}

/**
 * Asks the OS for `count` distinct free TCP ports on `host`. All probe sockets stay open until every
 * port is known, so the OS cannot hand out the same port twice; there is still a short window before
 * Dovecot binds them, which the caller covers by retrying on "Address already in use".
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let index = 0; index < count; index += 1) servers.push(await listen(host));
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("unexpected probe address");
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** Whether a local address can be bound (127.0.0.2 can on Linux, not on a stock macOS). */
export async function canBind(host: string): Promise<boolean> {
  try {
    const server = await listen(host);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return true;
  } catch {
    return false;
  }
}
