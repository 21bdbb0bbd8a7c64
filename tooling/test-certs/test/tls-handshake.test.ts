import { once } from "node:events";
import type { AddressInfo } from "node:net";
import {
  type ConnectionOptions,
  connect,
  createServer,
  type Server,
  type TLSSocket,
  type TlsOptions,
} from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCa, issueCertificate, localhostCertificate } from "../src/index.js";

// Real handshakes on 127.0.0.1, port 0: what OpenSSL (through node:tls) accepts is what matters.

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

interface ServerSide {
  authorized: boolean;
  authorizationError: string | undefined;
}

async function startServer(options: TlsOptions) {
  const seen: ServerSide[] = [];
  const server = createServer(options, (socket: TLSSocket) => {
    seen.push({ authorized: socket.authorized, authorizationError: socket.authorizationError?.toString() });
    socket.end("hello\n");
  });
  server.on("tlsClientError", () => {});
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}

/** Resolves with the first line the server sends, or rejects with the client's TLS error. */
function fetchLine(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("end", () => resolve(received.trim()));
    socket.on("error", reject);
  });
}

describe("a TLS server with localhostCertificate()", () => {
  it("is accepted by a client trusting only the CA, by IP and by name", async () => {
    const issued = await localhostCertificate();
    const { port } = await startServer({ cert: issued.certPem, key: issued.keyPem });
    await expect(fetchLine({ host: "127.0.0.1", port, ca: issued.caPem })).resolves.toBe("hello");
    await expect(
      fetchLine({ host: "127.0.0.1", port, ca: issued.caPem, servername: "localhost" }),
    ).resolves.toBe("hello");
  });

  it("is refused without the CA, with another CA, and for another name", async () => {
    const issued = await localhostCertificate();
    const other = await createTestCa();
    const { port } = await startServer({ cert: issued.certPem, key: issued.keyPem });
    await expect(fetchLine({ host: "127.0.0.1", port })).rejects.toMatchObject({
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
    await expect(fetchLine({ host: "127.0.0.1", port, ca: other.certPem })).rejects.toMatchObject({
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
    await expect(
      fetchLine({ host: "127.0.0.1", port, ca: issued.caPem, servername: "mail.example.test" }),
    ).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  it("serves a chain: PEMs end in a newline, so they concatenate", async () => {
    const issued = await localhostCertificate();
    for (const pem of [issued.certPem, issued.keyPem, issued.caPem])
      expect(pem.endsWith("-----\n")).toBe(true);
    const { port } = await startServer({ cert: issued.certPem + issued.caPem, key: issued.keyPem });
    await expect(fetchLine({ host: "127.0.0.1", port, ca: issued.caPem })).resolves.toBe("hello");
    // The chain carries the CA, so without trusting it the reason names the self-signed root.
    await expect(fetchLine({ host: "127.0.0.1", port })).rejects.toMatchObject({
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
  });
});

describe("client certificates", () => {
  it("a client certificate passes the server's check; a server certificate does not", async () => {
    const server = await localhostCertificate();
    const client = await issueCertificate(server.ca, { commonName: "alice", usage: "client" });
    const { port, seen } = await startServer({
      cert: server.certPem,
      key: server.keyPem,
      ca: server.caPem,
      requestCert: true,
      // Checked below per connection, so the refusal reason is visible.
      rejectUnauthorized: false,
    });
    await fetchLine({ host: "127.0.0.1", port, ca: server.caPem, cert: client.certPem, key: client.keyPem });
    // A serverAuth-only certificate offered by a client fails OpenSSL's "SSL client" purpose check.
    await fetchLine({ host: "127.0.0.1", port, ca: server.caPem, cert: server.certPem, key: server.keyPem });
    expect(seen).toEqual([
      { authorized: true, authorizationError: undefined },
      { authorized: false, authorizationError: "INVALID_PURPOSE" },
    ]);
  });
});
