import { describe, expect, it } from "vitest";
import { authenticateSasl, type SaslServerReply } from "../../src/sasl/authenticate-sasl.js";
import { chooseSaslMechanism } from "../../src/sasl/choose-sasl-mechanism.js";
import { createSaslMechanism } from "../../src/sasl/create-sasl-mechanism.js";
import type { SaslCredentials, SaslMechanism } from "../../src/sasl/sasl-mechanism.js";
import { bytes, EMPTY } from "./helpers.js";

const PASSWORD = "Sup3r-S3cret-pw";
const TOKEN = "ya29.TOKEN-must-not-leak";
const password: SaslCredentials = { kind: "password", username: "tim", password: PASSWORD };
const oauth: SaslCredentials = { kind: "oauth2", username: "tim@example.com", token: async () => TOKEN };

/** Every form a secret could take in an error: as is, base64, hex, and inside a PLAIN/XOAUTH2 blob. */
function forms(secret: string): string[] {
  const utf8 = Buffer.from(secret);
  return [secret, utf8.toString("base64"), utf8.toString("hex")];
}

function everythingVisible(error: unknown): string {
  const e = error as Error & { details?: unknown; cause?: unknown };
  return [e.message, e.stack, JSON.stringify(e.details), String(e.cause), JSON.stringify(e)].join("\n");
}

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/**
 * A server that echoes everything it received, decoded and encoded, into its failure text,
 * plus the secret itself (as if it had recovered it from the exchange).
 */
function echoingServer(secret: string, afterChallenges: SaslServerReply[] = []) {
  const received: string[] = [];
  const reply = async (): Promise<SaslServerReply> =>
    afterChallenges.shift() ?? {
      type: "failure",
      message: `rejected ${received.join(" ")} (secret was ${secret})`,
      details: { responseCode: "AUTHENTICATIONFAILED" },
    };
  return {
    initialResponseSupported: true,
    start: async (_name: string, initial: Uint8Array | undefined) => {
      if (initial)
        received.push(Buffer.from(initial).toString("base64"), Buffer.from(initial).toString("utf8"));
      return reply();
    },
    respond: async (response: Uint8Array) => {
      received.push(Buffer.from(response).toString("base64"), Buffer.from(response).toString("utf8"));
      return reply();
    },
    cancel: reply,
  };
}

describe("no error carries the password or token", () => {
  const cases: [string, () => unknown][] = [
    [
      "insecure refusal",
      () => chooseSaslMechanism({ offered: ["PLAIN"], credentials: password, transportEncrypted: false }),
    ],
    [
      "insecure token refusal",
      () => chooseSaslMechanism({ offered: ["XOAUTH2"], credentials: oauth, transportEncrypted: false }),
    ],
    [
      "no match",
      () => chooseSaslMechanism({ offered: ["GSSAPI"], credentials: password, transportEncrypted: true }),
    ],
    ["PLAIN with NUL", () => createSaslMechanism("PLAIN", { ...password, password: `${PASSWORD}\0` })],
    [
      "SCRAM SASLprep",
      () => createSaslMechanism("SCRAM-SHA-256", { ...password, password: `${PASSWORD}\u0007` }),
    ],
    [
      "XOAUTH2 malformed token",
      () => createSaslMechanism("XOAUTH2", { ...oauth, token: () => `${TOKEN}\x01` }).respond(EMPTY),
    ],
    [
      "OAUTHBEARER malformed token",
      () => createSaslMechanism("OAUTHBEARER", { ...oauth, token: () => `${TOKEN} x` }).respond(EMPTY),
    ],
  ];
  for (const name of ["PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "NTLM"] as const) {
    const challenges: SaslServerReply[] =
      name === "LOGIN"
        ? [
            { type: "challenge", data: bytes("Username:") },
            { type: "challenge", data: bytes("Password:") },
          ]
        : name === "CRAM-MD5"
          ? [{ type: "challenge", data: bytes("<1.2@example>") }]
          : [];
    cases.push([
      `${name} rejected by an echoing server`,
      () => authenticateSasl(createSaslMechanism(name, password), echoingServer(PASSWORD, challenges)),
    ]);
  }
  for (const name of ["XOAUTH2", "OAUTHBEARER"] as const) {
    cases.push([
      `${name} rejected with an error step by an echoing server`,
      () =>
        authenticateSasl(
          createSaslMechanism(name, oauth),
          echoingServer(TOKEN, [{ type: "challenge", data: bytes('{"status":"401"}') }]),
        ),
    ]);
  }
  cases.push([
    "SCRAM with a bad server signature",
    async () => {
      const mechanism: SaslMechanism = createSaslMechanism("SCRAM-SHA-1", password, { clientNonce: "abc" });
      await mechanism.respond(EMPTY);
      await mechanism.respond(bytes("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"));
      await mechanism.respond(bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
    },
  ]);

  it.each(cases)("%s", async (_label, run) => {
    const error = await failure(run);
    const visible = everythingVisible(error);
    for (const form of [...forms(PASSWORD), ...forms(TOKEN)]) expect(visible).not.toContain(form);
  });

  it("still tells the caller what happened", async () => {
    const error = await failure(() =>
      authenticateSasl(
        createSaslMechanism("XOAUTH2", oauth),
        echoingServer(TOKEN, [{ type: "challenge", data: bytes('{"status":"401"}') }]),
      ),
    );
    expect(error).toMatchObject({ details: { status: "401", responseCode: "AUTHENTICATIONFAILED" } });
    expect((error as Error).message).toContain("[REDACTED]");
  });
});
