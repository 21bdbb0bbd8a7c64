import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { localhostCertificate } from "@mailwire/test-certs";

export interface TestCertificate {
  /** The server certificate (issued by `ca`, for 127.0.0.1 and localhost among others). */
  readonly cert: string;
  readonly key: string;
  /** The CA that issued `cert`: what a client trusts. */
  readonly ca: string;
}

let certificate: Promise<TestCertificate> | undefined;

/** One CA-issued server certificate for the loopback names per test file (@mailwire/test-certs). */
export function testCertificate(): Promise<TestCertificate> {
  certificate ??= localhostCertificate().then((issued) => ({
    cert: issued.certPem,
    key: issued.keyPem,
    ca: issued.caPem,
  }));
  return certificate;
}

/** The server side of one scripted connection. */
export class ScriptedPeer {
  socket: Socket;
  /** Every line the client sent, in order (also the ones read by the script). */
  readonly received: string[] = [];
  #buffer = "";
  #waiters: Array<(line: string | undefined) => void> = [];
  #lines: string[] = [];
  #ended = false;

  constructor(socket: Socket) {
    this.socket = socket;
    this.#attach(socket);
  }

  #attach(socket: Socket): void {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", () => {});
  }

  readonly #onData = (chunk: Buffer) => {
    this.#buffer += chunk.toString("latin1");
    for (let index = this.#buffer.indexOf("\r\n"); index !== -1; index = this.#buffer.indexOf("\r\n")) {
      const line = Buffer.from(this.#buffer.slice(0, index), "latin1").toString("utf8");
      this.#buffer = this.#buffer.slice(index + 2);
      this.received.push(line);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    }
  };

  readonly #onEnd = () => {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  };

  /** The next line from the client, or undefined once it closed. */
  line(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Reads the next line and checks it. */
  async expect(expected: string | RegExp): Promise<string> {
    const line = await this.line();
    const ok = typeof expected === "string" ? line === expected : line !== undefined && expected.test(line);
    if (!ok) throw new Error(`scripted server expected ${String(expected)}, got ${JSON.stringify(line)}`);
    return line as string;
  }

  /** Sends lines, each followed by CRLF, in one write. */
  send(...lines: string[]): void {
    this.socket.write(lines.map((line) => `${line}\r\n`).join(""));
  }

  raw(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  /** Answers the client's TLS handshake on this socket (after `+OK Begin TLS`). */
  async upgrade(): Promise<void> {
    const { cert, key } = await testCertificate();
    this.socket.off("data", this.#onData);
    this.socket.off("end", this.#onEnd);
    this.socket.off("close", this.#onEnd);
    const secure = new TLSSocket(this.socket, { isServer: true, cert, key });
    this.socket = secure as unknown as Socket;
    this.#attach(secure as unknown as Socket);
    await once(secure, "secure");
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface ScriptedServer {
  readonly port: number;
  /** The peers of every connection so far. */
  readonly peers: ScriptedPeer[];
  /** Errors thrown by the script (a failed expectation), reported by close(). */
  readonly failures: unknown[];
  /** Resolves when the script of the first connection has finished. */
  done(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:0 that runs `script` for each connection. */
export async function scriptedServer(script: (peer: ScriptedPeer) => Promise<void>): Promise<ScriptedServer> {
  const peers: ScriptedPeer[] = [];
  const failures: unknown[] = [];
  const finished: Promise<void>[] = [];
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const peer = new ScriptedPeer(socket);
    peers.push(peer);
    finished.push(
      script(peer).catch((error: unknown) => {
        failures.push(error);
        peer.destroy();
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    peers,
    failures,
    async done() {
      await finished[0];
    },
    async close() {
      // Scripts end when the client closes; a client left open must not hang the test.
      await Promise.race([Promise.allSettled(finished), delay(2000)]);
      for (const peer of peers) peer.destroy();
      server.close();
      if (failures.length > 0) throw failures[0];
    },
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
