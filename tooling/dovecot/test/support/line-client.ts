import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";

export interface LineClientTarget {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS trusting this CA. */
  readonly ca?: string;
}

/**
 * A deliberately small CRLF line client for the harness tests: enough IMAP and POP3 to prove the
 * server is set up right, nothing a real client package would reuse.
 */
export class LineClient {
  #socket: Socket;
  #buffer = "";
  #lines: string[] = [];
  #waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  static connect(target: LineClientTarget): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket =
        target.ca === undefined
          ? connectTcp({ host: target.host, port: target.port }, () => resolve(new LineClient(socket)))
          : connectTls({ host: target.host, port: target.port, ca: target.ca }, () =>
              resolve(new LineClient(socket)),
            );
      socket.once("error", reject);
    });
  }

  get encrypted(): boolean {
    return (this.#socket as TLSSocket).encrypted === true;
  }

  #attach(socket: Socket): void {
    socket.setEncoding("utf8");
    socket.on("data", this.#onData);
    socket.on("error", this.#onEnd);
    socket.on("close", this.#onEnd);
  }

  #onData = (chunk: string): void => {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf("\r\n"); end >= 0; end = this.#buffer.indexOf("\r\n")) {
      this.#lines.push(this.#buffer.slice(0, end));
      this.#buffer = this.#buffer.slice(end + 2);
    }
    this.#deliver();
  };

  #onEnd = (error?: unknown): void => {
    this.#failure ??= error instanceof Error ? error : new Error("connection closed");
    this.#deliver();
  };

  #deliver(): void {
    if (this.#waiter === undefined) return;
    const line = this.#lines.shift();
    const waiter = this.#waiter;
    if (line !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(line);
    } else if (this.#failure !== undefined) {
      this.#waiter = undefined;
      waiter.reject(this.#failure);
    }
  }

  readLine(timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no line within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = {
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#deliver();
    });
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`);
  }

  /** Sends an IMAP command and returns every line up to and including the tagged one. */
  async imap(tag: string, command: string): Promise<string[]> {
    this.send(`${tag} ${command}`);
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
  }

  /** Sends a POP3 command; for multi-line answers reads to the "." line (RFC 1939 section 3). */
  async pop3(command: string, multiline = false): Promise<string[]> {
    this.send(command);
    const first = await this.readLine();
    const lines = [first];
    if (!multiline || !first.startsWith("+OK")) return lines;
    for (;;) {
      const line = await this.readLine();
      if (line === ".") return lines;
      lines.push(line.startsWith("..") ? line.slice(1) : line);
    }
  }

  /**
   * Upgrades to TLS after a STARTTLS/STLS "OK". Anything the server sent before the handshake is
   * dropped, as RFC 3207 section 4.2 demands of clients.
   */
  startTls(host: string, ca: string): Promise<void> {
    const plain = this.#socket;
    plain.off("data", this.#onData);
    plain.off("error", this.#onEnd);
    plain.off("close", this.#onEnd);
    this.#buffer = "";
    this.#lines = [];
    return new Promise((resolve, reject) => {
      const secure = connectTls({ socket: plain, host, ca }, () => resolve());
      secure.once("error", reject);
      this.#socket = secure;
      this.#attach(secure);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
