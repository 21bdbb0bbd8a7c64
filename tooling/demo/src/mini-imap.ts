import {
  type LineConnection,
  ProtocolError,
  type SaslConversation,
  type SaslServerReply,
} from "@mailwire/core";
import { CALL_TIMEOUT_MS } from "./context.js";
import { fromBase64, toBase64 } from "./sasl-exchange.js";

// Only as much IMAP (RFC 9051) as the demo needs to show core's socket layer and SASL at
// work: tagged commands, untagged lines with literals, AUTHENTICATE. The real client is
// @mailwire/imap (planned).

export interface ImapLine {
  /** The response line; where a literal was, the text reads on after `{n}`. */
  text: string;
  literals: Uint8Array[];
}

export interface ImapCompletion {
  status: "OK" | "NO" | "BAD";
  text: string;
  untagged: ImapLine[];
}

/** Longest literal accepted: the demo only fetches header fields. */
const MAX_LITERAL_BYTES = 1024 * 1024;

export class MiniImap {
  readonly #connection: LineConnection;
  readonly #signal: AbortSignal;
  #nextTag = 1;

  constructor(connection: LineConnection, signal: AbortSignal) {
    this.#connection = connection;
    this.#signal = signal;
  }

  /** The server's greeting line, which must be `* OK` (not PREAUTH or BYE). */
  async greeting(): Promise<string> {
    const line = await this.#connection.readLine({ signal: this.#signal, timeoutMs: CALL_TIMEOUT_MS });
    if (!line.startsWith("* OK")) throw new ProtocolError("unexpected IMAP greeting", { details: { line } });
    return line;
  }

  /** Sends a command and returns its completion; NO and BAD become a ProtocolError. */
  async ok(command: string): Promise<ImapCompletion> {
    const tag = this.#tag();
    await this.#connection.writeLine(`${tag} ${command}`, { signal: this.#signal });
    const untagged: ImapLine[] = [];
    for (;;) {
      const line = await this.#readLine();
      if (line.text.startsWith(`${tag} `)) {
        const completion = { ...parseCompletion(line.text), untagged };
        if (completion.status !== "OK") {
          throw new ProtocolError(
            `IMAP ${command.split(" ")[0]} failed: ${completion.status} ${completion.text}`,
            {
              details: { status: completion.status, text: completion.text },
            },
          );
        }
        return completion;
      }
      if (line.text.startsWith("+")) throw new ProtocolError(`unexpected continuation after ${command}`);
      untagged.push(line);
    }
  }

  /** AUTHENTICATE framing (RFC 9051 6.2.2, SASL-IR RFC 4959) for core's authenticateSasl. */
  saslConversation(initialResponseSupported: boolean): SaslConversation {
    let tag = "";
    const send = (line: string) =>
      this.#connection.writeLine(line, { signal: this.#signal, sensitive: true });
    const reply = async (): Promise<SaslServerReply> => {
      for (;;) {
        const { text } = await this.#readLine();
        if (text === "+" || text.startsWith("+ "))
          return { type: "challenge", data: fromBase64(text.slice(1).trim()) };
        if (text.startsWith(`${tag} `)) {
          const { status, text: message } = parseCompletion(text);
          if (status === "OK") return { type: "success" };
          const responseCode = /^\[([^\]\s]+)/.exec(message)?.[1];
          return { type: "failure", message, details: { status, ...(responseCode && { responseCode }) } };
        }
        // Untagged data during AUTHENTICATE (e.g. CAPABILITY) is not part of the exchange.
      }
    };
    return {
      initialResponseSupported,
      start: async (mechanism, initialResponse) => {
        tag = this.#tag();
        const argument =
          initialResponse === undefined
            ? ""
            : ` ${initialResponse.length === 0 ? "=" : toBase64(initialResponse)}`;
        await send(`${tag} AUTHENTICATE ${mechanism}${argument}`);
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

  #tag(): string {
    return `d${this.#nextTag++}`;
  }

  /** One response line with its literals (`{n}` at the end of a line announces n bytes). */
  async #readLine(): Promise<ImapLine> {
    const options = { signal: this.#signal, timeoutMs: CALL_TIMEOUT_MS };
    let text = await this.#connection.readLine(options);
    const literals: Uint8Array[] = [];
    for (let match = /\{(\d+)\}$/.exec(text); match; match = /\{(\d+)\}$/.exec(text)) {
      const size = Number(match[1]);
      if (size > MAX_LITERAL_BYTES) {
        throw new ProtocolError(`IMAP literal of ${size} bytes is over the demo's ${MAX_LITERAL_BYTES}`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of this.#connection.readBytes(size, { signal: this.#signal }))
        chunks.push(chunk as Buffer);
      literals.push(new Uint8Array(Buffer.concat(chunks)));
      text += await this.#connection.readLine(options);
    }
    return { text, literals };
  }
}

function parseCompletion(line: string): { status: ImapCompletion["status"]; text: string } {
  const match = /^\S+ (OK|NO|BAD)(?: (.*))?$/i.exec(line);
  if (!match) throw new ProtocolError("malformed IMAP completion", { details: { line } });
  return { status: (match[1] ?? "BAD").toUpperCase() as ImapCompletion["status"], text: match[2] ?? "" };
}

/** The capability names from a CAPABILITY response (untagged, or a [CAPABILITY ...] code). */
export function capabilities(completion: ImapCompletion): string[] {
  for (const line of completion.untagged) {
    const match = /^\* CAPABILITY (.*)$/i.exec(line.text);
    if (match) return (match[1] ?? "").split(" ").filter((name) => name.length > 0);
  }
  return [];
}
