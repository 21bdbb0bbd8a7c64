import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors/error-codes.js";
import { parseOAuthError } from "../../src/sasl/oauth-error.js";
import { OAuthBearerMechanism } from "../../src/sasl/oauthbearer-mechanism.js";
import { Xoauth2Mechanism } from "../../src/sasl/xoauth2-mechanism.js";
import { base64, bytes, EMPTY, fromBase64, text } from "./helpers.js";

// Google's XOAUTH2 documentation example (user, token, and the base64 the client sends).
const XOAUTH2_TOKEN = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
const XOAUTH2_WIRE =
  "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==";
// ... and its error challenge: {"status":"401","schemes":"bearer mailauth","scope":"https://mail.google.com/"}
const XOAUTH2_ERROR =
  "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1haWxhdXRoIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==";

// RFC 7628 §4.1, IMAP with SASL-IR: the decoded client response and its base64.
const OAUTHBEARER_TOKEN = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
const OAUTHBEARER_RESPONSE =
  "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01";
const OAUTHBEARER_WIRE =
  "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB";

describe("Xoauth2Mechanism", () => {
  it("encodes user=...^Aauth=Bearer ...^A^A as in Google's example", async () => {
    let calls = 0;
    const mechanism = new Xoauth2Mechanism({
      username: "someuser@example.com",
      token: async () => {
        calls++;
        return XOAUTH2_TOKEN;
      },
    });
    expect(mechanism.clientFirst).toBe(true);
    expect(mechanism.exposesReusableSecret).toBe(true);
    expect(base64(await mechanism.respond(EMPTY))).toBe(XOAUTH2_WIRE);
    expect(calls).toBe(1);
  });

  it("answers the JSON error challenge with an empty response and keeps only its status fields", async () => {
    const mechanism = new Xoauth2Mechanism({ username: "someuser@example.com", token: () => XOAUTH2_TOKEN });
    await mechanism.respond(EMPTY);
    expect(await mechanism.respond(fromBase64(XOAUTH2_ERROR))).toEqual(EMPTY);
    expect(mechanism.failureDetails()).toEqual({
      status: "401",
      schemes: "bearer mailauth",
      scope: "https://mail.google.com/",
    });
    expect(JSON.stringify(mechanism.failureDetails())).not.toContain(XOAUTH2_TOKEN);
    await expect(mechanism.respond(EMPTY)).rejects.toMatchObject({ code: ErrorCode.PROTOCOL });
  });

  it("refuses a token that would break the framing", async () => {
    const mechanism = new Xoauth2Mechanism({ username: "u", token: () => "abc\x01def" });
    await expect(mechanism.respond(EMPTY)).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });
});

describe("OAuthBearerMechanism (RFC 7628)", () => {
  it("produces the RFC 7628 §4.1 client response bytes", async () => {
    const mechanism = new OAuthBearerMechanism({
      username: "user@example.com",
      token: async () => OAUTHBEARER_TOKEN,
      host: "server.example.com",
      port: 143,
    });
    const response = await mechanism.respond(EMPTY);
    expect(text(response)).toBe(OAUTHBEARER_RESPONSE);
    expect(base64(response)).toBe(OAUTHBEARER_WIRE);
  });

  it("omits host and port when not given and escapes the gs2 authzid", async () => {
    const mechanism = new OAuthBearerMechanism({ username: "a,b=c", token: () => "tok" });
    expect(text(await mechanism.respond(EMPTY))).toBe("n,a=a=2Cb=3Dc,\x01auth=Bearer tok\x01\x01");
  });

  it("answers the error challenge with a single ^A (RFC 7628 §3.2.3) and surfaces the status", async () => {
    const mechanism = new OAuthBearerMechanism({
      username: "user@example.com",
      token: () => OAUTHBEARER_TOKEN,
    });
    await mechanism.respond(EMPTY);
    // RFC 7628 §4.3-style error: invalid_token with a scope and discovery URL.
    const error = bytes(
      '{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}',
    );
    expect(await mechanism.respond(error)).toEqual(new Uint8Array([0x01]));
    expect(mechanism.failureDetails()).toEqual({
      status: "invalid_token",
      scope: "example_scope",
      "openid-configuration": "https://example.com/.well-known/openid-configuration",
    });
  });

  it("refuses a token with characters outside b64token", async () => {
    const mechanism = new OAuthBearerMechanism({ username: "u", token: () => "tok en" });
    await expect(mechanism.respond(EMPTY)).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    expect(() => new OAuthBearerMechanism({ username: "u", token: () => "t", port: 70000 })).toThrow();
  });
});

describe("parseOAuthError", () => {
  it("keeps only known string fields, bounded, and never throws", () => {
    expect(parseOAuthError(bytes('{"status":401,"extra":"x","scope":["a"]}'))).toEqual({ status: "401" });
    expect(parseOAuthError(bytes("not json"))).toEqual({ oauthError: "unparseable" });
    expect(parseOAuthError(bytes("[1]"))).toEqual({ oauthError: "unparseable" });
    expect(parseOAuthError(new Uint8Array([0xff]))).toEqual({ oauthError: "unparseable" });
    expect(parseOAuthError(EMPTY)).toEqual({ oauthError: "unparseable" });
    expect(parseOAuthError(bytes(JSON.stringify({ status: "x".repeat(1000) }))).status).toHaveLength(256);
  });
});
