import { ProtocolError, type SaslConversation, type SaslServerReply } from "@mailwire/core";
import { Pop3Limits } from "../codec/limits.js";
import { parseStatusLine } from "../codec/status-line.js";
import { printablePreview } from "../codec/text.js";
import type { CommandChannel, Pop3CallOptions } from "../command-channel.js";

export interface Pop3SaslConversationOptions extends Pop3CallOptions {
  /**
   * Send the initial response on the AUTH line (RFC 5034 §4) when it fits. False waits for
   * the server's empty challenge first, which is what Exchange Online expects for XOAUTH2.
   */
  readonly initialResponse: boolean;
  readonly loginDelaySeconds?: number | undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * POP3's framing of a SASL exchange (RFC 5034 §4): `AUTH mechanism [initial-response]`, `=` for
 * an empty initial response, server challenges as `+ base64`, client responses as base64
 * lines, `*` to cancel, and the end as `+OK` or `-ERR`. RFC 5034 §4 forbids an AUTH line over
 * 255 octets, so a long initial response (an OAuth token) is held back and sent after the
 * server's empty challenge instead.
 */
export function pop3SaslConversation(
  channel: CommandChannel,
  options: Pop3SaslConversationOptions,
): SaslConversation {
  const call = { signal: options.signal, timeoutMs: options.timeoutMs };
  const readReply = async (): Promise<SaslServerReply> => {
    const line = await channel.connection.readLine(call);
    if (line === "+" || line.startsWith("+ ")) {
      const data = line.slice(2).trim();
      if (!BASE64.test(data)) {
        channel.connection.destroy();
        throw new ProtocolError(`AUTH challenge is not base64: ${printablePreview(data)}`);
      }
      return { type: "challenge", data: Buffer.from(data, "base64") };
    }
    let status: ReturnType<typeof parseStatusLine>;
    try {
      status = parseStatusLine(line);
    } catch (error) {
      channel.connection.destroy();
      throw error;
    }
    if (status.ok) return { type: "success" };
    return {
      type: "failure",
      message: status.text,
      details: {
        command: "AUTH",
        responseCode: status.responseCode,
        ...(options.loginDelaySeconds !== undefined && { loginDelaySeconds: options.loginDelaySeconds }),
      },
    };
  };
  return {
    initialResponseSupported: true,
    async start(mechanism, initialResponse) {
      const encoded =
        initialResponse === undefined
          ? undefined
          : initialResponse.length === 0
            ? "="
            : Buffer.from(initialResponse).toString("base64");
      const line = `AUTH ${mechanism}`;
      if (encoded !== undefined && options.initialResponse) {
        const withResponse = `${line} ${encoded}`;
        if (withResponse.length <= Pop3Limits.maxCommandLength) {
          await channel.send(withResponse, call);
          return readReply();
        }
      }
      await channel.send(line, call);
      const reply = await readReply();
      if (encoded === undefined || reply.type !== "challenge") return reply;
      // The held-back initial response answers the server's (empty) first challenge.
      await channel.send(encoded === "=" ? "" : encoded, { ...call, sensitive: true });
      return readReply();
    },
    async respond(response) {
      await channel.send(Buffer.from(response).toString("base64"), { ...call, sensitive: true });
      return readReply();
    },
    async cancel() {
      await channel.send("*", call);
      return readReply();
    },
  };
}
