import { ProtocolError, type SaslConversation, type SaslServerReply } from "@mailwire/core";
import { parseResponseText } from "../codec/response-code.js";
import type {
  ImapflowAttribute,
  ImapflowContinuation,
  ImapflowInternals,
} from "../connection/imapflow-internals.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Settled = { readonly reply: SaslServerReply } | { readonly error: unknown };

/**
 * IMAP's framing of SASL (RFC 9051 §6.2.2, SASL-IR RFC 4959) over imapflow's command queue:
 * `AUTHENTICATE mech [initial-response]` with `=` for an empty one, `+ base64` challenges seen
 * through imapflow's continuation hook, base64 response lines, `*` to cancel, and the tagged
 * OK/NO/BAD as success or failure. A broken connection is an error, not a login failure.
 */
export function imapSaslConversation(client: ImapflowInternals): SaslConversation {
  const queue: Settled[] = [];
  let waiting: ((settled: Settled) => void) | undefined;
  const deliver = (settled: Settled): void => {
    const resolve = waiting;
    waiting = undefined;
    if (resolve) resolve(settled);
    else queue.push(settled);
  };
  const nextReply = async (): Promise<SaslServerReply> => {
    const settled = queue.shift() ?? (await new Promise<Settled>((resolve) => (waiting = resolve)));
    if ("error" in settled) throw settled.error;
    return settled.reply;
  };
  const onPlusTag = async (continuation: ImapflowContinuation): Promise<void> => {
    const first = continuation.attributes?.[0];
    const text = first?.type === "TEXT" && typeof first.value === "string" ? first.value.trim() : "";
    if (!BASE64.test(text)) {
      deliver({ error: new ProtocolError("AUTHENTICATE challenge is not base64") });
      return;
    }
    deliver({ reply: { type: "challenge", data: Buffer.from(text, "base64") } });
  };

  return {
    initialResponseSupported: client.capabilities.has("SASL-IR"),
    start(mechanism, initialResponse) {
      const attributes: ImapflowAttribute[] = [{ type: "ATOM", value: mechanism }];
      if (initialResponse !== undefined) {
        const encoded = initialResponse.length === 0 ? "=" : Buffer.from(initialResponse).toString("base64");
        attributes.push({ type: "ATOM", value: encoded, sensitive: true });
      }
      client.exec("AUTHENTICATE", attributes, { onPlusTag }).then(
        ({ next }) => {
          next();
          deliver({ reply: { type: "success" } });
        },
        (error: unknown) => deliver(settleFailure(error)),
      );
      return nextReply();
    },
    async respond(response) {
      client.write(Buffer.from(response).toString("base64"));
      return nextReply();
    },
    async cancel() {
      client.write("*");
      return nextReply();
    },
  };
}

function settleFailure(error: unknown): Settled {
  const shape = error as { responseStatus?: unknown; responseText?: unknown; response?: unknown } | null;
  if (shape?.responseStatus !== "NO" && shape?.responseStatus !== "BAD") return { error };
  const status = shape.responseStatus;
  const text = typeof shape.responseText === "string" ? shape.responseText : "";
  const section = (shape.response as { attributes?: { section?: { value?: unknown }[] }[] } | undefined)
    ?.attributes?.[0]?.section?.[0]?.value;
  const parsed = parseResponseText(text);
  const responseCode = typeof section === "string" ? section.toUpperCase() : parsed.responseCode;
  return {
    reply: {
      type: "failure",
      message: parsed.text,
      details: { command: "AUTHENTICATE", status, ...(responseCode !== undefined && { responseCode }) },
    },
  };
}
