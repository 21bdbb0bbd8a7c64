import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import {
  authenticateSasl,
  type SaslConversation,
  type SaslServerReply,
} from "../../src/sasl/authenticate-sasl.js";
import { LoginMechanism } from "../../src/sasl/login-mechanism.js";
import { PlainMechanism } from "../../src/sasl/plain-mechanism.js";
import { ScramMechanism } from "../../src/sasl/scram-mechanism.js";
import { Xoauth2Mechanism } from "../../src/sasl/xoauth2-mechanism.js";
import { base64, bytes, fromBase64, text } from "./helpers.js";

/** A fake protocol side that replays canned server replies and records what the client sent. */
function scripted(replies: SaslServerReply[], initialResponseSupported = true) {
  const log: string[] = [];
  const next = async (): Promise<SaslServerReply> =>
    replies.shift() ?? { type: "failure", message: "script ended" };
  const conversation: SaslConversation = {
    initialResponseSupported,
    start: async (name, initial) => {
      log.push(`start ${name} ${initial === undefined ? "-" : JSON.stringify(text(initial))}`);
      return next();
    },
    respond: async (response) => {
      log.push(`respond ${JSON.stringify(text(response))}`);
      return next();
    },
    cancel: async () => {
      log.push("cancel");
      return { type: "failure", message: "cancelled" };
    },
  };
  return { conversation, log };
}

const challenge = (value: string): SaslServerReply => ({ type: "challenge", data: bytes(value) });
const scram = () =>
  new ScramMechanism({
    mechanism: "SCRAM-SHA-1",
    username: "user",
    password: "pencil",
    clientNonce: "fyko+d2lbbFgONRv9qkxdawL",
  });
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

describe("authenticateSasl", () => {
  it("runs SCRAM with an initial response and the server final as a challenge (IMAP with SASL-IR)", async () => {
    const { conversation, log } = scripted([
      challenge(SERVER_FIRST),
      challenge(SERVER_FINAL),
      { type: "success" },
    ]);
    await authenticateSasl(scram(), conversation);
    expect(log).toEqual([
      'start SCRAM-SHA-1 "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"',
      `respond ${JSON.stringify(CLIENT_FINAL)}`,
      'respond ""',
    ]);
  });

  it("waits for the empty challenge when the protocol has no initial response, and accepts success data", async () => {
    const { conversation, log } = scripted(
      [challenge(""), challenge(SERVER_FIRST), { type: "success", data: bytes(SERVER_FINAL) }],
      false,
    );
    await authenticateSasl(scram(), conversation);
    expect(log[0]).toBe("start SCRAM-SHA-1 -");
    expect(log[1]).toBe('respond "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"');
  });

  it("fails when the server says OK without proving itself", async () => {
    const { conversation } = scripted([challenge(SERVER_FIRST), { type: "success" }]);
    await expect(authenticateSasl(scram(), conversation)).rejects.toMatchObject({
      code: ErrorCode.AUTH_FAILED,
      details: { reason: "server-signature-missing" },
    });
  });

  it("cancels the exchange (*) when the server signature is wrong", async () => {
    const { conversation, log } = scripted([
      challenge(SERVER_FIRST),
      challenge("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
    ]);
    await expect(authenticateSasl(scram(), conversation)).rejects.toMatchObject({
      name: "AuthError",
      details: { reason: "server-signature-mismatch" },
    });
    expect(log.at(-1)).toBe("cancel");
  });

  it("answers the XOAUTH2 error challenge and puts its status and the server's reply in the AuthError", async () => {
    const json = '{"status":"401","schemes":"bearer mailauth","scope":"https://mail.google.com/"}';
    const { conversation, log } = scripted([
      { type: "challenge", data: fromBase64(Buffer.from(json).toString("base64")) },
      {
        type: "failure",
        message: "Invalid credentials (Failure)",
        details: { responseCode: "AUTHENTICATIONFAILED" },
      },
    ]);
    const mechanism = new Xoauth2Mechanism({
      username: "someuser@example.com",
      token: () => "ya29.secret-token",
    });
    const error = await authenticateSasl(mechanism, conversation).catch((caught: unknown) => caught);
    expect(log[1]).toBe('respond ""');
    expect(error).toMatchObject({
      name: "AuthError",
      code: ErrorCode.AUTH_FAILED,
      message: "XOAUTH2 authentication failed: Invalid credentials (Failure)",
      details: {
        status: "401",
        schemes: "bearer mailauth",
        scope: "https://mail.google.com/",
        responseCode: "AUTHENTICATIONFAILED",
        mechanism: "XOAUTH2",
        serverMessage: "Invalid credentials (Failure)",
      },
    });
  });

  it("sends nothing as initial response for a server-first mechanism", async () => {
    const { conversation, log } = scripted([
      challenge("Username:"),
      challenge("Password:"),
      { type: "success" },
    ]);
    await authenticateSasl(new LoginMechanism({ username: "tim", password: "tanstaaf" }), conversation);
    expect(log).toEqual(["start LOGIN -", 'respond "tim"', 'respond "tanstaaf"']);
  });

  it("stops a server that never stops challenging", async () => {
    const { conversation, log } = scripted(Array.from({ length: 20 }, () => challenge("Username:")));
    const error = await authenticateSasl(new LoginMechanism({ username: "u", password: "p" }), conversation, {
      maxSteps: 1,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, details: { limit: "maxSteps", max: 1 } });
    expect(log.at(-1)).toBe("cancel");
  });

  it("rejects at once when already aborted", async () => {
    const { conversation, log } = scripted([{ type: "success" }]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      authenticateSasl(new PlainMechanism({ username: "u", password: "p" }), conversation, {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(log).toEqual([]);
  });

  it("redacts a response the server echoes back in its failure text", async () => {
    const response = bytes("\0tim\0tanstaaftanstaaf");
    const { conversation } = scripted([
      { type: "failure", message: `bad line ${base64(response)} rejected` },
    ]);
    const error = await authenticateSasl(
      new PlainMechanism({ username: "tim", password: "tanstaaftanstaaf" }),
      conversation,
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe("PLAIN authentication failed: bad line [REDACTED] rejected");
  });
});
