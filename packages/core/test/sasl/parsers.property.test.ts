import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MailwireError, parseOAuthError, ScramMechanism } from "../../src/index.js";

// Server challenges are untrusted bytes: whatever arrives, the mechanisms must answer with
// a value or a MailwireError, never a TypeError/RangeError, and never spin.

const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";

async function serverFirstOutcome(challenge: Uint8Array): Promise<unknown> {
  const scram = new ScramMechanism({
    mechanism: "SCRAM-SHA-256",
    username: "user",
    password: "pencil",
    clientNonce: CLIENT_NONCE,
    // Keeps PBKDF2 cheap for generated inputs that happen to be valid.
    minIterations: 1,
    maxIterations: 64,
  });
  await scram.respond(new Uint8Array());
  try {
    return await scram.respond(challenge);
  } catch (error) {
    return error;
  }
}

const attribute = fc.oneof(
  fc.constantFrom("r=", "s=", "i=", "e=", "m=", "v=", "x="),
  fc.constant(`r=${CLIENT_NONCE}`),
);
const structuredServerFirst = fc
  .array(fc.tuple(attribute, fc.string({ maxLength: 24 })), { maxLength: 6 })
  .map((parts) => Buffer.from(parts.map(([k, v]) => k + v).join(","), "utf8"));

describe("SASL parsers under hostile input", () => {
  it("SCRAM server-first: arbitrary bytes give a response or a MailwireError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), structuredServerFirst), async (bytes) => {
        const outcome = await serverFirstOutcome(new Uint8Array(bytes));
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(MailwireError);
        else expect(outcome).toBeInstanceOf(Uint8Array);
      }),
      { numRuns: 400 },
    );
  });

  it("OAuth error challenge: arbitrary bytes give a record or a MailwireError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.json().map((text) => Buffer.from(text, "utf8")),
          fc.json().map((text) => Buffer.from(Buffer.from(text, "utf8").toString("base64"), "utf8")),
        ),
        (bytes) => {
          try {
            const parsed = parseOAuthError(new Uint8Array(bytes));
            expect(typeof parsed).toBe("object");
          } catch (error) {
            expect(error).toBeInstanceOf(MailwireError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
