import {
  type LineConnection,
  ProtocolError,
  type SaslConversation,
  type SaslServerReply,
} from "@mailwire/core";
import { CALL_TIMEOUT_MS } from "./context.js";
import { fromBase64, toBase64 } from "./sasl-exchange.js";

// Only as much POP3 (RFC 1939, CAPA RFC 2449, AUTH RFC 5034) as the demo needs. The real
// client is @mailwire/pop3.

export class MiniPop3 {
  readonly #connection: LineConnection;
  readonly #signal: AbortSignal;

  constructor(connection: LineConnection, signal: AbortSignal) {
    this.#connection = connection;
    this.#signal = signal;
  }

  /** The greeting's text after `+OK`. */
  async greeting(): Promise<string> {
    return this.#status(await this.#read(), "greeting");
  }

  /** Sends a command; returns the text after `+OK`, or throws ProtocolError on `-ERR`. */
  async ok(command: string): Promise<string> {
    await this.#connection.writeLine(command, { signal: this.#signal });
    return this.#status(await this.#read(), command.split(" ")[0] ?? command);
  }

  /** CAPA's lines (RFC 2449 5): a `+OK`, then one capability a line up to ".". */
  async capabilities(): Promise<string[]> {
    await this.ok("CAPA");
    const lines: string[] = [];
    for (let line = await this.#read(); line !== "."; line = await this.#read()) lines.push(line);
    return lines;
  }

  /** AUTH framing (RFC 5034 4) for core's authenticateSasl. */
  saslConversation(): SaslConversation {
    const send = (line: string) =>
      this.#connection.writeLine(line, { signal: this.#signal, sensitive: true });
    const reply = async (): Promise<SaslServerReply> => {
      const line = await this.#read();
      if (line === "+OK" || line.startsWith("+OK ")) return { type: "success" };
      if (line === "+" || line.startsWith("+ "))
        return { type: "challenge", data: fromBase64(line.slice(1).trim()) };
      if (line.startsWith("-ERR")) {
        const message = line.slice(4).trim();
        const responseCode = /^\[([^\]\s]+)/.exec(message)?.[1];
        return { type: "failure", message, details: responseCode ? { responseCode } : {} };
      }
      throw new ProtocolError("unexpected reply during POP3 AUTH", { details: { line: line.slice(0, 80) } });
    };
    return {
      // RFC 5034 4: AUTH always takes an initial response, "=" for an empty one.
      initialResponseSupported: true,
      start: async (mechanism, initialResponse) => {
        const argument =
          initialResponse === undefined
            ? ""
            : ` ${initialResponse.length === 0 ? "=" : toBase64(initialResponse)}`;
        await send(`AUTH ${mechanism}${argument}`);
        return reply();
      },
      respond: async (response) => {
        await send(toBase64(response));
        return reply();
      },
      cancel: async () => {
        await send("*");
        return reply();
      },
    };
  }

  #read(): Promise<string> {
    return this.#connection.readLine({ signal: this.#signal, timeoutMs: CALL_TIMEOUT_MS });
  }

  #status(line: string, what: string): string {
    if (line === "+OK" || line.startsWith("+OK ")) return line.slice(3).trim();
    throw new ProtocolError(`POP3 ${what} failed: ${line.slice(0, 200)}`, {
      details: { line: line.slice(0, 200) },
    });
  }
}
