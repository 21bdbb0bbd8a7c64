import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { once } from "node:events";
import type { Socket } from "node:net";
import { Duplex, PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode, type MailwireError } from "../../src/index.js";
import { connect, LineConnection } from "../../src/socket/index.js";
import { localhostCertificate, type TestCertificate } from "./helpers/certificates.js";
import { lineSource, type TestServer, tcpServer, tlsServer } from "./helpers/servers.js";

let certificate: TestCertificate;
let otherCertificate: TestCertificate;
const servers: TestServer[] = [];
const connections: LineConnection[] = [];

beforeAll(async () => {
  [certificate, otherCertificate] = await Promise.all([localhostCertificate(), localhostCertificate()]);
});

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function track<T extends TestServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

async function open(port: number, extra: Partial<Parameters<typeof connect>[0]> = {}) {
  const connection = await connect({ host: "127.0.0.1", port, ...extra });
  connections.push(connection);
  return connection;
}

async function failure(promise: Promise<unknown>): Promise<MailwireError> {
  try {
    await promise;
  } catch (error) {
    return error as MailwireError;
  }
  throw new Error("expected a rejection");
}

/** Server side of STARTTLS: wrap the plaintext socket and wait for the handshake. */
async function serverUpgrade(socket: Socket): Promise<TLSSocket> {
  socket.removeAllListeners("data");
  const secure = new TLSSocket(socket, { isServer: true, cert: certificate.cert, key: certificate.key });
  secure.on("error", () => {});
  await once(secure, "secure");
  return secure;
}

describe("implicit TLS", () => {
  it("connects and verifies against the given CA", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK secure\r\n")));
    const connection = await open(server.port, { secure: true, tls: { ca: certificate.cert } });
    expect(await connection.readLine()).toBe("* OK secure");
    expect(connection.encrypted).toBe(true);
    expect(connection.tlsInfo?.authorized).toBe(true);
    expect(connection.tlsInfo?.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it("publishes connect, tls and close events without secrets", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK\r\n")));
    const events: Array<[string, Record<string, unknown>]> = [];
    const names = ["mailwire:socket:connect", "mailwire:socket:tls", "mailwire:socket:close"];
    const listeners = names.map((name) => {
      const listener = (message: unknown) => events.push([name, message as Record<string, unknown>]);
      subscribe(name, listener);
      return listener;
    });
    try {
      const connection = await open(server.port, { secure: true, tls: { ca: certificate.cert } });
      await connection.readLine();
      await connection.close();
    } finally {
      for (const [i, name] of names.entries()) unsubscribe(name, listeners[i] as (message: unknown) => void);
    }
    expect(events.map(([name]) => name)).toEqual([names[1], names[0], names[2]]);
    expect(events[0]?.[1]).toMatchObject({ mode: "implicit", authorized: true });
    expect(events[2]?.[1]).toMatchObject({ hadError: false });
    expect(JSON.stringify(events)).not.toContain("PRIVATE KEY");
  });

  it("refuses an untrusted (self-signed) certificate by default, with the reason", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK\r\n")));
    const error = await failure(connect({ host: "127.0.0.1", port: server.port, secure: true }));
    expect(error.code).toBe(ErrorCode.TLS);
    expect(error.details.reason).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it("refuses a certificate signed by another CA, and one for another name", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK\r\n")));
    const wrongCa = await failure(
      connect({ host: "127.0.0.1", port: server.port, secure: true, tls: { ca: otherCertificate.cert } }),
    );
    expect(wrongCa.code).toBe(ErrorCode.TLS);
    const wrongName = await failure(
      connect({
        host: "127.0.0.1",
        port: server.port,
        secure: true,
        tls: { ca: certificate.cert, servername: "mail.example.com" },
      }),
    );
    expect(wrongName.code).toBe(ErrorCode.TLS);
    expect(wrongName.details.reason).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("connects without verification only when rejectUnauthorized is false, and says so", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK\r\n")));
    const warnings: string[] = [];
    const connection = await open(server.port, {
      secure: true,
      tls: { rejectUnauthorized: false },
      logger: { debug: () => {}, warn: (message) => warnings.push(message) },
    });
    expect(await connection.readLine()).toBe("* OK");
    expect(connection.tlsInfo?.authorized).toBe(false);
    expect(warnings.join()).toMatch(/verification is disabled/);
  });

  it("times out a handshake the server never answers (phase tls)", async () => {
    const server = await track(tcpServer(() => {}));
    const error = await failure(
      connect({ host: "127.0.0.1", port: server.port, secure: true, timeouts: { tlsMs: 80 } }),
    );
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.details.phase).toBe("tls");
  });

  it("refuses TLS below minVersion", async () => {
    const server = await track(tlsServer(certificate, (socket) => socket.write("* OK\r\n")));
    // The test server speaks TLS 1.3 at most; asking for exactly 1.3 works, the default (>= 1.2) too.
    const connection = await open(server.port, {
      secure: true,
      tls: { ca: certificate.cert, minVersion: "TLSv1.3" },
    });
    expect(connection.tlsInfo?.protocol).toBe("TLSv1.3");
  });
});

describe("STARTTLS", () => {
  /** A POP3-ish server: greeting, then STLS answered by `reply(socket)`. */
  function starttlsServer(reply: (socket: Socket) => void) {
    return track(
      tcpServer((socket) => {
        socket.write("+OK POP3 ready\r\n");
        const next = lineSource(socket);
        void next().then((command) => {
          if (command === "STLS") reply(socket);
        });
      }),
    );
  }

  async function sendStls(port: number) {
    const connection = await open(port, { tls: { ca: certificate.cert, servername: "localhost" } });
    expect(await connection.readLine()).toBe("+OK POP3 ready");
    await connection.writeLine("STLS");
    expect(await connection.readLine()).toBe("+OK Begin TLS");
    return connection;
  }

  it("upgrades the same socket, then talks TLS", async () => {
    const server = await starttlsServer((socket) => {
      socket.write("+OK Begin TLS\r\n");
      void serverUpgrade(socket).then((secure) => {
        const next = lineSource(secure);
        void next().then((command) => secure.write(`+OK you said ${command} over TLS\r\n`));
      });
    });
    const connection = await sendStls(server.port);
    const info = await connection.upgradeToTls();
    expect(info.authorized).toBe(true);
    expect(connection.encrypted).toBe(true);
    await connection.writeLine("CAPA");
    expect(await connection.readLine()).toBe("+OK you said CAPA over TLS");
  });

  it("refuses an untrusted certificate during the upgrade (MW_TLS)", async () => {
    const server = await starttlsServer((socket) => {
      socket.write("+OK Begin TLS\r\n");
      void serverUpgrade(socket).catch(() => {});
    });
    const connection = await open(server.port);
    await connection.readLine();
    await connection.writeLine("STLS");
    await connection.readLine();
    const error = await failure(connection.upgradeToTls());
    expect(error.code).toBe(ErrorCode.TLS);
    expect(connection.closed).toBe(true);
  });

  describe('response injection ("NO STARTTLS", USENIX Security 2021)', () => {
    it("refuses a reply followed by an injected line in the same write", async () => {
      const server = await starttlsServer((socket) => {
        socket.write("+OK Begin TLS\r\n-ERR injected\r\n");
        void serverUpgrade(socket).catch(() => {});
      });
      const connection = await sendStls(server.port);
      const error = await failure(connection.upgradeToTls());
      expect(error.code).toBe(ErrorCode.STARTTLS_INJECTION);
      expect(connection.closed).toBe(true);
      // Nothing injected is ever handed to the caller.
      const after = await failure(connection.readLine());
      expect(after.code).toBe(ErrorCode.STARTTLS_INJECTION);
    });

    it("refuses an injected line sent in a separate write before the handshake", async () => {
      const server = await starttlsServer((socket) => {
        socket.write("+OK Begin TLS\r\n", () => {
          setImmediate(() => socket.write("-ERR injected\r\n"));
        });
        void serverUpgrade(socket).catch(() => {});
      });
      const connection = await sendStls(server.port);
      // Upgrade at once: the injected bytes arrive while the handshake is starting.
      const error = await failure(connection.upgradeToTls());
      expect(error.code).toBe(ErrorCode.STARTTLS_INJECTION);
      expect(connection.closed).toBe(true);
    });

    it("refuses an injected line that arrived before upgradeToTls() was called", async () => {
      const server = await starttlsServer((socket) => {
        socket.write("+OK Begin TLS\r\n");
        setTimeout(() => socket.write("-ERR injected\r\n"), 10);
        void serverUpgrade(socket).catch(() => {});
      });
      const connection = await sendStls(server.port);
      await sleep(80);
      const error = await failure(connection.upgradeToTls());
      expect(error.code).toBe(ErrorCode.STARTTLS_INJECTION);
      expect(error.details).toMatchObject({ stage: "buffered", bytes: "-ERR injected\r\n".length });
    });

    it("refuses plaintext that only follows the ClientHello", async () => {
      const server = await starttlsServer((socket) => {
        socket.write("+OK Begin TLS\r\n");
        socket.once("data", () => socket.write("-ERR injected\r\n"));
      });
      const connection = await sendStls(server.port);
      const error = await failure(connection.upgradeToTls());
      expect(error.code).toBe(ErrorCode.STARTTLS_INJECTION);
      expect(error.details.stage).toBe("handshake");
    });
  });

  it("needs a name to verify the certificate against", async () => {
    const socket = Duplex.from({ readable: new PassThrough(), writable: new PassThrough() });
    const connection = new LineConnection(socket);
    expect((await failure(connection.upgradeToTls())).code).toBe(ErrorCode.INVALID_ARGUMENT);
    connection.destroy();
  });

  it("cannot upgrade twice or during a read", async () => {
    const server = await track(tlsServer(certificate, () => {}));
    const connection = await open(server.port, { secure: true, tls: { ca: certificate.cert } });
    expect((await failure(connection.upgradeToTls())).code).toBe(ErrorCode.INVALID_ARGUMENT);
    const plain = await track(tcpServer(() => {}));
    const reading = await open(plain.port);
    const pending = reading.readLine().catch((error: unknown) => error);
    expect((await failure(reading.upgradeToTls())).code).toBe(ErrorCode.INVALID_ARGUMENT);
    reading.destroy();
    expect(((await pending) as MailwireError).code).toBe(ErrorCode.CLOSED);
  });
});
