import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";

/** One IMAP command line as the client sent it. */
export interface ClientCommand {
  readonly tag: string;
  readonly name: string;
  readonly args: readonly string[];
  readonly line: string;
}

/** The server side of one scripted connection: line I/O plus every line the client sent. */
export class ScriptedImapPeer {
  readonly received: string[] = [];
  readonly #socket: Socket;
  #buffer = "";
  #lines: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #ended = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer += chunk.toString("latin1");
      for (let index = this.#buffer.indexOf("\r\n"); index !== -1; index = this.#buffer.indexOf("\r\n")) {
        const line = this.#buffer.slice(0, index);
        this.#buffer = this.#buffer.slice(index + 2);
        this.received.push(line);
        this.#deliver(line);
      }
    });
    const end = (): void => {
      this.#ended = true;
      this.#deliver(undefined);
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", () => {});
  }

  #deliver(line: string | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter(line);
    else if (line !== undefined) this.#lines.push(line);
  }

  /** The next line from the client, or undefined once it closed the connection. */
  async readLine(): Promise<string | undefined> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return queued;
    if (this.#ended) return undefined;
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  async readCommand(): Promise<ClientCommand | undefined> {
    const line = await this.readLine();
    if (line === undefined) return undefined;
    const [tag = "", name = "", ...args] = line.split(" ");
    return { tag, name: name.toUpperCase(), args, line };
  }

  /** Writes the lines in one chunk, each ended with CRLF. */
  send(...lines: string[]): void {
    if (!this.#socket.destroyed) this.#socket.write(lines.map((line) => `${line}\r\n`).join(""));
  }

  end(): void {
    this.#socket.end();
  }
}

export interface ScriptedImapServer {
  readonly port: number;
  /** Every connection's peer, in the order they were accepted. */
  readonly peers: readonly ScriptedImapPeer[];
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1, port 0, running `script` for every connection. */
export async function startScriptedImapServer(
  script: (peer: ScriptedImapPeer) => Promise<void>,
): Promise<ScriptedImapServer> {
  const peers: ScriptedImapPeer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const peer = new ScriptedImapPeer(socket);
    peers.push(peer);
    script(peer).then(
      () => peer.end(),
      () => socket.destroy(),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    port: address.port,
    peers,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/**
 * Answers the commands a client sends after login (CAPABILITY, NAMESPACE, ENABLE, NOOP, ...)
 * with a plain OK, until LOGOUT or the end of the connection.
 */
export async function serveAfterLogin(peer: ScriptedImapPeer, capabilities: string): Promise<void> {
  for (;;) {
    const command = await peer.readCommand();
    if (command === undefined) return;
    switch (command.name) {
      case "CAPABILITY":
        peer.send(`* CAPABILITY ${capabilities}`, `${command.tag} OK CAPABILITY completed`);
        break;
      case "NAMESPACE":
        peer.send('* NAMESPACE (("" "/")) NIL NIL', `${command.tag} OK NAMESPACE completed`);
        break;
      case "LOGOUT":
        peer.send("* BYE Logging out", `${command.tag} OK LOGOUT completed`);
        return;
      default:
        peer.send(`${command.tag} OK ${command.name} completed`);
    }
  }
}

/** Reads commands before login, answering CAPABILITY, until one of `until` arrives. */
export async function serveUntil(
  peer: ScriptedImapPeer,
  capabilities: string,
  until: readonly string[],
): Promise<ClientCommand | undefined> {
  for (;;) {
    const command = await peer.readCommand();
    if (command === undefined) return undefined;
    if (until.includes(command.name)) return command;
    if (command.name === "CAPABILITY") {
      peer.send(`* CAPABILITY ${capabilities}`, `${command.tag} OK CAPABILITY completed`);
    } else {
      peer.send(`${command.tag} BAD ${command.name} not expected before login`);
    }
  }
}
