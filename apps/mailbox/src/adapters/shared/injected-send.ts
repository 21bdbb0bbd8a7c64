import { UnsupportedOperationError } from "../../errors.js";
import type { CallOptions, OutgoingMessage } from "../../mailbox.js";
import type { SendFunction } from "../adapter-options.js";

/** IMAP and POP3 have no submission: they send through the injected function (SMTP) or refuse. */
export async function sendThroughInjected(
  protocol: "imap" | "pop3",
  send: SendFunction | undefined,
  message: OutgoingMessage,
  options: CallOptions,
): Promise<void> {
  if (!send) {
    throw new UnsupportedOperationError(
      protocol,
      "send",
      `${protocol.toUpperCase()} has no submission; pass a \`send\` (SMTP) option`,
    );
  }
  await send(message, options);
}
