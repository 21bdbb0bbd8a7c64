import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes/encoding.js";
import { md4 } from "../../src/crypto/md4.js";
import { Rc4, rc4 } from "../../src/crypto/rc4.js";
import { ErrorCode } from "../../src/errors/index.js";
import {
  decodeChallenge,
  deriveSealingKey,
  deriveSigningKey,
  NtlmClient,
  NtlmSessionSecurity,
  ntowfv1,
} from "../../src/ntlm/index.js";
import { common, loadVector } from "./vectors.js";

// The NTLMv1 examples (MS-NLMP 4.2.2, 4.2.3) are used only for primitives NTLMv2 shares:
// MD4 / the NT hash, RC4, and the SEALKEY/SIGNKEY rules. We never send v1 responses.
const c = common();
const v1 = loadVector<{
  ntowfv1: string;
  session_base_key: string;
  challenge_message: string;
  challenge_flags_u32: string;
  encrypted_session_key: { default_kxkey_equals_session_base_key: string };
  gss_wrapex_4_2_2_4: { plaintext: string; sealed_data: string };
}>("ms-nlmp-4.2.2-ntlmv1.json");
const ess = loadVector<{
  challenge_message: string;
  challenge_flags_u32: string;
  key_exchange_key: string;
  gss_wrapex_4_2_3_4: {
    client_seal_key: string;
    client_sign_key: string;
    plaintext: string;
    sealed_data: string;
    signature: string;
  };
}>("ms-nlmp-4.2.3-ntlmv1-client-challenge.json");

describe("MD4 (NT hash)", () => {
  it("NTOWFv1 = MD4(UNICODE(Passwd)) (4.2.2.1.2)", () => {
    expect(toHex(ntowfv1(c.password))).toBe(v1.ntowfv1);
  });

  it("MD4 of binary input: SessionBaseKey = MD4(NTOWFv1) (4.2.2.1.3)", () => {
    expect(toHex(md4(fromHex(v1.ntowfv1)))).toBe(v1.session_base_key);
  });

  it("RFC 1320 test suite values", () => {
    const ascii = (text: string) => new TextEncoder().encode(text);
    expect(toHex(md4(ascii("")))).toBe("31d6cfe0d16ae931b73c59d7e0c089c0");
    expect(toHex(md4(ascii("abc")))).toBe("a448017aaf21d8525fc10ae87aa6729d");
    expect(toHex(md4(ascii("message digest")))).toBe("d9130a8164549fe818874806e1c7014b");
  });
});

describe("RC4", () => {
  it("RC4K(SessionBaseKey, RandomSessionKey) = EncryptedRandomSessionKey (4.2.2.2.3)", () => {
    const encrypted = rc4(fromHex(v1.session_base_key), fromHex(c.random_session_key));
    expect(toHex(encrypted)).toBe(v1.encrypted_session_key.default_kxkey_equals_session_base_key);
  });

  it("seals the 4.2.2.4 plaintext with SEALKEY's no-ESS branch (SealKey = ExportedSessionKey)", () => {
    const flags = Number(v1.challenge_flags_u32);
    const sealKey = deriveSealingKey(flags, fromHex(c.random_session_key), "client");
    expect(toHex(sealKey)).toBe(c.random_session_key);
    expect(toHex(rc4(sealKey, fromHex(v1.gss_wrapex_4_2_2_4.plaintext)))).toBe(
      v1.gss_wrapex_4_2_2_4.sealed_data,
    );
  });

  it("RFC 6229 keystream for the 40-bit key 0102030405", () => {
    expect(toHex(rc4(fromHex("0102030405"), new Uint8Array(16)))).toBe("b2396305f03dc027ccc3524a0a1118a8");
  });

  it("is stateful: the keystream continues across update() calls", () => {
    const key = fromHex("0102030405");
    const whole = rc4(key, new Uint8Array(40));
    const handle = new Rc4(key);
    const parts = [
      handle.update(new Uint8Array(3)),
      handle.update(new Uint8Array(0)),
      handle.update(new Uint8Array(37)),
    ];
    expect(toHex(Uint8Array.from(parts.flatMap((part) => [...part])))).toBe(toHex(whole));
  });
});

describe("SEALKEY / SIGNKEY key-length rules with extended session security (4.2.3.4)", () => {
  const w = ess.gss_wrapex_4_2_3_4;
  const flags = Number(ess.challenge_flags_u32); // ESS + 56, no 128, no KEY_EXCH
  const exportedSessionKey = fromHex(ess.key_exchange_key); // no KEY_EXCH: ExportedSessionKey = KeyExchangeKey

  it("cuts the key to 56 bits before hashing the sealing constant", () => {
    expect(toHex(deriveSealingKey(flags, exportedSessionKey, "client"))).toBe(w.client_seal_key);
    expect(toHex(deriveSigningKey(flags, exportedSessionKey, "client") as Uint8Array)).toBe(
      w.client_sign_key,
    );
  });

  it("without KEY_EXCH the checksum is not RC4-encrypted", () => {
    const security = new NtlmSessionSecurity({ flags, exportedSessionKey, role: "client" });
    const { sealed, signature } = security.seal(fromHex(w.plaintext));
    expect(toHex(sealed)).toBe(w.sealed_data);
    expect(toHex(signature)).toBe(w.signature);
  });

  it("40-bit and no-ESS LM_KEY branches follow 3.4.5.3", () => {
    const key = fromHex(ess.key_exchange_key);
    const f = { ESS: 0x0008_0000, LM_KEY: 0x80, K56: 0x8000_0000 };
    const forty = deriveSealingKey(f.ESS, key, "server");
    expect(forty).toHaveLength(16);
    expect(toHex(forty)).not.toBe(toHex(deriveSealingKey(f.ESS | f.K56, key, "server")));
    expect(toHex(deriveSealingKey(f.LM_KEY | f.K56, key, "client"))).toBe(
      `${ess.key_exchange_key.slice(0, 14)}a0`,
    );
    expect(toHex(deriveSealingKey(f.LM_KEY, key, "client"))).toBe(
      `${ess.key_exchange_key.slice(0, 10)}e538b0`,
    );
    expect(deriveSigningKey(f.LM_KEY, key, "client")).toBeUndefined();
  });
});

describe("v1 challenges are refused", () => {
  it.each([
    ["4.2.2 (no TargetInfo, no ESS)", v1.challenge_message],
    ["4.2.3 (no TargetInfo)", ess.challenge_message],
  ])("%s → AuthError MW_AUTH_UNSUPPORTED", (_name, challengeHex) => {
    expect(decodeChallenge(fromHex(challengeHex)).targetInfo).toEqual([]);
    const client = new NtlmClient({ username: c.user, password: c.password, domain: c.user_domain });
    client.createNegotiate();
    expect(() => client.createAuthenticate(fromHex(challengeHex))).toThrowError(
      expect.objectContaining({ name: "AuthError", code: ErrorCode.AUTH_UNSUPPORTED }),
    );
    expect(client.sessionSecurity).toBeUndefined();
  });
});
