import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RecorderReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * An HTTPS server (its own throw-away certificate for 127.0.0.1) that notes the
 * Authorization header of every request before `answer` replies: the "stranger" of the
 * hostile tests. Proof that no credential reached it: every `authorization` is undefined.
 */
export async function startRecorder(answer: (request: RecordedRequest) => RecorderReply) {
  // A unique subject per server: OpenSSL finds a trust anchor by subject name, so two
  // throw-away CAs both called "localhost" in one CA list would shadow each other.
  const pems = await generate([{ name: "commonName", value: `recorder-${randomUUID()}` }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  const requests: RecordedRequest[] = [];
  const server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
    req.resume();
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        path: new URL(req.url ?? "/", "https://x").pathname,
        authorization: req.headers.authorization,
      };
      requests.push(recorded);
      const reply = answer(recorded);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    caPem: pems.cert,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
