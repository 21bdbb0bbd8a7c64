import { describe, expect, it } from "vitest";
import { REDACTED, redactCommandLine, redactHeaders, redactSecrets } from "../src/index.js";

describe("redaction", () => {
  it("hides credential headers but keeps the scheme", () => {
    const out = redactHeaders({
      Authorization: "NTLM TlRMTVNTUAABAAAAB4IIog==",
      "Proxy-Authorization": "Basic dXNlcjpwYXNz",
      cookie: ["MapiContext=abc", "X-BackEndCookie=def"],
      "content-type": "text/xml",
    });
    expect(out).toEqual({
      Authorization: `NTLM ${REDACTED}`,
      "Proxy-Authorization": `Basic ${REDACTED}`,
      cookie: [REDACTED, REDACTED],
      "content-type": "text/xml",
    });
  });

  it("removes a secret in plain, base64 and hex form", () => {
    const secret = "S3cr3t-pässword";
    const b64 = Buffer.from(secret).toString("base64");
    const hex = Buffer.from(secret).toString("hex");
    const text = `pw=${secret} b64=${b64} hex=${hex}`;
    const out = redactSecrets(text, [secret, undefined, ""]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(b64);
    expect(out).not.toContain(hex);
  });

  it("hides the argument of credential-bearing line commands", () => {
    expect(redactCommandLine("PASS hunter2")).toBe(`PASS ${REDACTED}`);
    expect(redactCommandLine("a1 LOGIN alice hunter2")).toBe(`a1 LOGIN alice ${REDACTED}`);
    expect(redactCommandLine("APOP mrose c4c9334bac560ecc979e58001b3e22fb")).toBe(`APOP mrose ${REDACTED}`);
    expect(redactCommandLine("AUTH PLAIN AGFsaWNlAGh1bnRlcjI=")).toBe(`AUTH PLAIN ${REDACTED}`);
    expect(redactCommandLine("a2 SELECT INBOX")).toBe("a2 SELECT INBOX");
    expect(redactCommandLine("USER alice")).toBe("USER alice");
  });
});
