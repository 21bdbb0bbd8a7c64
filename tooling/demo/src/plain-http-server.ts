import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface PlainHttpServer {
  url: string;
  /** Requests received, and how many of them carried an Authorization header. */
  readonly seen: { requests: number; withAuthorization: number };
  close(): Promise<void>;
}

/**
 * A legacy endpoint on plain http:// that asks for Basic, as some old on-premises servers do.
 * It only counts what it receives: the point is to show that the client never sends it the
 * password.
 */
export async function startPlainHttpServer(): Promise<PlainHttpServer> {
  const seen = { requests: 0, withAuthorization: 0 };
  const server = createServer((req, res) => {
    seen.requests += 1;
    if (req.headers.authorization !== undefined) seen.withAuthorization += 1;
    req.resume();
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="legacy"', "Content-Length": 0 });
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
