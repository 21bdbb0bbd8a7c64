// connect() with reuseReadBuffer: TLS decrypts into one reused buffer (tls `onread`); every read
// path must still get its bytes intact, since the buffer is overwritten by the next read.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode, type MailwireError } from "../../src/index.js";
import { connect, type LineConnection } from "../../src/socket/index.js";
import { localhostCertificate, type TestCertificate } from "./helpers/certificates.js";
import { type TestServer, tlsServer } from "./helpers/servers.js";

let certificate: TestCertificate;
const servers: TestServer[] = [];
const connections: LineConnection[] = [];
beforeAll(async () => {
  certificate = await localhostCertificate();
});
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(onConnection: Parameters<typeof tlsServer>[1]): Promise<TestServer> {
  const server = await tlsServer(certificate, onConnection);
  servers.push(server);
  return server;
}

async function open(server: TestServer): Promise<LineConnection> {
  const connection = await connect({
    host: "127.0.0.1",
    port: server.port,
    secure: true,
    tls: { ca: certificate.cert },
    reuseReadBuffer: true,
  });
  connections.push(connection);
  return connection;
}

const body = (n: number) => `${`line ${n} ${"x".repeat(200)}\r\n`.repeat(300)}..dot\r\n`;

describe("connect({ reuseReadBuffer })", () => {
  it("keeps the greeting sent with the handshake, lines, bodies and raw reads intact", async () => {
    const server = await serve(async (socket) => {
      socket.write("+OK greeting\r\n");
      await sleep(10);
      for (let n = 0; n < 3; n++) socket.write(`+OK\r\n${body(n)}.\r\n`);
      socket.write("RAW 1\r\nEND\r\n+OK after\r\n");
    });
    const connection = await open(server);
    expect(connection.encrypted).toBe(true);
    expect(await connection.readLine()).toBe("+OK greeting");
    const expected = (n: number) => body(n).replace("\r\n..dot", "\r\n.dot");
    expect(await connection.readLine()).toBe("+OK");
    expect(Buffer.from(await connection.readDotTerminatedBytes()).toString()).toBe(expected(0));
    expect(await connection.readLine()).toBe("+OK");
    const parts: Buffer[] = [];
    for await (const part of connection.readDotTerminated()) parts.push(Buffer.from(part as Uint8Array));
    expect(Buffer.concat(parts).toString()).toBe(expected(1));
    expect(await connection.readLine()).toBe("+OK");
    // A raw read whose consumer copies what it keeps, as the contract says.
    let seen = "";
    await connection.readRaw((chunk) => {
      seen += Buffer.from(chunk).toString("latin1");
      const end = seen.indexOf("END\r\n");
      if (end === -1) return -1;
      const extra = seen.length - (end + 5);
      seen = seen.slice(0, end + 5);
      return chunk.length - extra;
    });
    expect(seen).toBe(`${body(2)}.\r\nRAW 1\r\nEND\r\n`);
    expect(await connection.readLine()).toBe("+OK after");
  });

  it("reports a refused certificate as MW_TLS and a close as MW_CONNECTION_CLOSED", async () => {
    const server = await serve((socket) => socket.end("+OK bye\r\n"));
    const refused = await connect({
      host: "127.0.0.1",
      port: server.port,
      secure: true,
      reuseReadBuffer: true,
    }).catch((error: MailwireError) => error);
    expect((refused as MailwireError).code).toBe(ErrorCode.TLS);
    const connection = await open(server);
    expect(await connection.readLine()).toBe("+OK bye");
    expect(((await connection.readLine().catch((error) => error)) as MailwireError).code).toBe(
      ErrorCode.CONNECTION_CLOSED,
    );
  });

  it("flow control still reaches the server: a body nobody reads stops the reading", async () => {
    const block = Buffer.from(`${"y".repeat(1022)}\r\n`.repeat(1024)); // 1 MiB
    const blocks = 32;
    let written = 0;
    const server = await serve((socket) => {
      socket.write("+OK\r\n");
      const pump = () => {
        while (written < blocks) {
          written++;
          if (!socket.write(block)) return void socket.once("drain", pump);
        }
        socket.write(".\r\n");
      };
      pump();
    });
    const connection = await open(server);
    expect(await connection.readLine()).toBe("+OK");
    const stream = connection.readDotTerminated();
    await sleep(300);
    // Socket buffers on both sides hold a few MiB at most; without flow control all 32 would be out.
    expect(written).toBeLessThan(blocks / 2);
    expect(stream.readableLength).toBeLessThanOrEqual(2 * 64 * 1024);
    let total = 0;
    for await (const part of stream) total += (part as Uint8Array).length;
    expect(total).toBe(block.length * blocks);
  });
});
