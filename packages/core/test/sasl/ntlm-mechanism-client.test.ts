import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/bytes/encoding.js";
import { decodeAuthenticate, decodeNegotiate } from "../../src/ntlm/index.js";
import { authenticateSasl, type SaslServerReply } from "../../src/sasl/authenticate-sasl.js";
import { NtlmMechanism } from "../../src/sasl/ntlm-mechanism.js";

// The real NtlmClient (no stand-in) driven through a SASL exchange, answering the
// [MS-NLMP] 4.2.4 example CHALLENGE_MESSAGE from the shared vectors.
const vector = JSON.parse(
  readFileSync(
    new URL("../../../../../shared/vectors/ntlm/ms-nlmp-4.2.4-ntlmv2.json", import.meta.url),
    "utf8",
  ),
) as { challenge_message: string };

describe("NtlmMechanism over the real NtlmClient", () => {
  it("sends NEGOTIATE as initial response and AUTHENTICATE for the MS-NLMP 4.2.4 CHALLENGE", async () => {
    const sent: Uint8Array[] = [];
    const replies: SaslServerReply[] = [
      { type: "challenge", data: fromHex(vector.challenge_message) },
      { type: "success" },
    ];
    const next = async () => replies.shift() ?? ({ type: "failure" } as const);
    await authenticateSasl(
      new NtlmMechanism({
        username: "User",
        password: "Password",
        domain: "Domain",
        workstation: "COMPUTER",
      }),
      {
        initialResponseSupported: true,
        start: async (name, initial) => {
          expect(name).toBe("NTLM");
          if (initial) sent.push(initial);
          return next();
        },
        respond: async (response) => {
          sent.push(response);
          return next();
        },
        cancel: next,
      },
    );
    expect(sent).toHaveLength(2);
    expect(() => decodeNegotiate(sent[0] as Uint8Array)).not.toThrow();
    const authenticate = decodeAuthenticate(sent[1] as Uint8Array);
    expect(authenticate.userName).toBe("User");
    expect(authenticate.domain).toBe("Domain");
    expect(authenticate.workstation).toBe("COMPUTER");
    expect(authenticate.ntChallengeResponse.length).toBeGreaterThan(24); // NTLMv2, never v1
  });
});
