import { throwIfAborted } from "../abort/abort.js";
import { redactSecrets } from "../diagnostics/redact.js";
import { AuthError, LimitExceededError } from "../errors/error-classes.js";
import { SaslLimits } from "./limits.js";
import { encodeBase64 } from "./sasl-encoding.js";
import { EMPTY_RESPONSE, type SaslMechanism } from "./sasl-mechanism.js";

/** What the server said after a client message, already unframed and base64-decoded. */
export type SaslServerReply =
  | { readonly type: "challenge"; readonly data: Uint8Array }
  /** `data` is RFC 4422 §5 "additional data with success", when the protocol carries it. */
  | { readonly type: "success"; readonly data?: Uint8Array | undefined }
  | {
      readonly type: "failure";
      /** The server's human-readable text (IMAP NO/BAD text, POP3 -ERR text). */
      readonly message?: string | undefined;
      /** Protocol detail as data, e.g. `{ responseCode: "AUTHENTICATIONFAILED" }`. */
      readonly details?: Readonly<Record<string, unknown>> | undefined;
    };

/**
 * The protocol side of an exchange, implemented by IMAP and POP3. They own the framing:
 * base64 lines, `=` for an empty initial response (RFC 4959 §3, RFC 5034 §4), `*` to
 * cancel (RFC 9051 §6.2.2, RFC 5034 §4), and mapping tagged/untagged replies to these.
 */
export interface SaslConversation {
  /** Whether the command can carry an initial response (IMAP SASL-IR capability; always for POP3 AUTH). */
  readonly initialResponseSupported: boolean;
  /** Sends AUTHENTICATE/AUTH with the mechanism name and, when given, the initial response. */
  start(mechanism: string, initialResponse: Uint8Array | undefined): Promise<SaslServerReply>;
  /** Sends one response to the last challenge. */
  respond(response: Uint8Array): Promise<SaslServerReply>;
  /** Abandons the exchange (`*`); the server then replies with a failure. */
  cancel(): Promise<SaslServerReply>;
}

export interface SaslAuthenticateOptions {
  /** Checked between steps; the conversation applies it to its own I/O. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides SaslLimits.maxSteps. */
  readonly maxSteps?: number | undefined;
}

const MAX_SERVER_MESSAGE = 512;

/**
 * Runs one SASL exchange (RFC 4422 §5) to the end. Resolves when the server accepted the
 * client and, where the mechanism can tell, proved itself. Throws AuthError when the
 * server refuses (details merge the server's reply and the mechanism's failure data) or
 * when the mechanism distrusts the server. If that happens after the server already said
 * success (a wrong SCRAM server signature), the session is authenticated to an impostor
 * and the caller must close the connection.
 */
export async function authenticateSasl(
  mechanism: SaslMechanism,
  conversation: SaslConversation,
  options: SaslAuthenticateOptions = {},
): Promise<void> {
  const { signal, maxSteps = SaslLimits.maxSteps } = options;
  throwIfAborted(signal);
  // Everything we sent, so a server that echoes a response back in its error text cannot
  // carry the password or token into our AuthError.
  const sent: string[] = [];
  const remember = (response: Uint8Array): Uint8Array => {
    sent.push(encodeBase64(response), Buffer.from(response).toString("utf8"));
    return response;
  };

  const initialResponse =
    mechanism.clientFirst && conversation.initialResponseSupported
      ? remember(await mechanism.respond(EMPTY_RESPONSE))
      : undefined;
  let reply = await conversation.start(mechanism.name, initialResponse);

  for (let steps = 1; reply.type === "challenge"; steps++) {
    throwIfAborted(signal);
    if (steps > maxSteps) {
      await cancelQuietly(conversation);
      throw new LimitExceededError(`${mechanism.name}: server sent more than ${maxSteps} challenges`, {
        limit: "maxSteps",
        max: maxSteps,
      });
    }
    let response: Uint8Array;
    try {
      response = await mechanism.respond(reply.data);
    } catch (error) {
      // The server is waiting for a response line; `*` leaves the connection usable.
      await cancelQuietly(conversation);
      throw error;
    }
    reply = await conversation.respond(remember(response));
  }

  if (reply.type === "failure") {
    const serverMessage =
      reply.message === undefined
        ? undefined
        : mechanism.redact(redactSecrets(reply.message, sent)).slice(0, MAX_SERVER_MESSAGE);
    throw new AuthError(
      `${mechanism.name} authentication failed${serverMessage ? `: ${serverMessage}` : ""}`,
      {
        details: {
          ...reply.details,
          ...mechanism.failureDetails(),
          mechanism: mechanism.name,
          ...(serverMessage !== undefined && { serverMessage }),
        },
      },
    );
  }
  mechanism.verifyServerFinal(reply.data);
}

async function cancelQuietly(conversation: SaslConversation): Promise<void> {
  try {
    await conversation.cancel();
  } catch {
    // The original error explains more than a failed cancel; the caller closes the connection anyway.
  }
}
