import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/bytes/encoding.js";
import { ErrorCode } from "../../src/errors/index.js";
import { NegotiateFlag as F, NTLM_SIGNATURE_LENGTH, NtlmSessionSecurity } from "../../src/ntlm/index.js";

const flags =
  F.NTLMSSP_NEGOTIATE_UNICODE |
  F.NTLMSSP_NEGOTIATE_SIGN |
  F.NTLMSSP_NEGOTIATE_SEAL |
  F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
  F.NTLMSSP_NEGOTIATE_128 |
  F.NTLMSSP_NEGOTIATE_KEY_EXCH;
const exportedSessionKey = fromHex("00112233445566778899aabbccddeeff");
const text = (value: string) => new TextEncoder().encode(value);
const pair = (f = flags) => ({
  client: new NtlmSessionSecurity({ flags: f, exportedSessionKey, role: "client" }),
  server: new NtlmSessionSecurity({ flags: f, exportedSessionKey, role: "server" }),
});

describe("NtlmSessionSecurity (MS-NLMP 3.4)", () => {
  it("seals and unseals in both directions over many messages (stateful RC4 per direction)", () => {
    const { client, server } = pair();
    for (let i = 0; i < 20; i++) {
      const request = text(`request ${i} ${"x".repeat(i * 7)}`);
      const up = client.seal(request);
      expect(toHex(up.sealed)).not.toBe(toHex(request));
      expect(server.unseal(up.sealed, up.signature)).toEqual(request);
      const reply = text(`reply ${i}`);
      const down = server.seal(reply);
      expect(client.unseal(down.sealed, down.signature)).toEqual(reply);
    }
  });

  it("numbers signatures 0, 1, 2... per direction (3.4.4)", () => {
    const { client, server } = pair();
    const sequences = [0, 1, 2].map(() => client.sign(text("m")).subarray(12));
    expect(sequences.map(toHex)).toEqual(["00000000", "01000000", "02000000"]);
    expect(toHex(server.sign(text("m")).subarray(12))).toBe("00000000");
    expect(client.sign(text("m"))).toHaveLength(NTLM_SIGNATURE_LENGTH);
  });

  it("sign/verify interleaves with seal/unseal on the same handles", () => {
    const { client, server } = pair();
    const signature = client.sign(text("header"));
    const sealed = client.seal(text("body"));
    server.verify(text("header"), signature);
    expect(server.unseal(sealed.sealed, sealed.signature)).toEqual(text("body"));
  });

  it("a tampered message fails, and the inbound side stays failed", () => {
    const { client, server } = pair();
    const sealed = client.seal(text("transfer 10"));
    const tampered = sealed.sealed.slice();
    tampered[0] = (tampered[0] as number) ^ 1;
    expect(() => server.unseal(tampered, sealed.signature)).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
    const next = client.seal(text("next"));
    expect(() => server.unseal(next.sealed, next.signature)).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });

  it("replayed and reordered signatures fail", () => {
    const replay = pair();
    const first = replay.client.sign(text("a"));
    replay.server.verify(text("a"), first);
    expect(() => replay.server.verify(text("a"), first)).toThrow();

    const reorder = pair();
    reorder.client.sign(text("one"));
    const second = reorder.client.sign(text("two"));
    expect(() => reorder.server.verify(text("two"), second)).toThrow();
  });

  it("a signature of the wrong length fails", () => {
    const { server } = pair();
    expect(() => server.verify(text("a"), new Uint8Array(15))).toThrowError(
      expect.objectContaining({ code: ErrorCode.PROTOCOL }),
    );
  });

  it("wrap() encrypts only the marked buffers and signs all of them (GSS_WrapEx, DCE/RPC privacy)", () => {
    const { client, server } = pair();
    const header = text("PDU header");
    const stub = text("stub data to hide");
    const trailer = text("sec trailer");
    const wrapped = client.wrap([
      { data: header, encrypt: false },
      { data: stub, encrypt: true },
      { data: trailer, encrypt: false },
    ]);
    expect(wrapped.buffers[0]).toEqual(header);
    expect(wrapped.buffers[2]).toEqual(trailer);
    expect(wrapped.buffers[1]).not.toEqual(stub);
    const plain = server.unwrap(
      [
        { data: header, encrypt: false },
        { data: wrapped.buffers[1] as Uint8Array, encrypt: true },
        { data: trailer, encrypt: false },
      ],
      wrapped.signature,
    );
    expect(plain[1]).toEqual(stub);

    // A changed clear-text header breaks the signature.
    const again = client.wrap([
      { data: header, encrypt: false },
      { data: stub, encrypt: true },
    ]);
    expect(() =>
      server.unwrap(
        [
          { data: text("PDU HEADER"), encrypt: false },
          { data: again.buffers[1] as Uint8Array, encrypt: true },
        ],
        again.signature,
      ),
    ).toThrow();
  });

  it("without SEAL, sealing is refused but signing works", () => {
    const { client, server } = pair(flags & ~F.NTLMSSP_NEGOTIATE_SEAL);
    expect(client.confidentiality).toBe(false);
    expect(() => client.seal(text("x"))).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    server.verify(text("x"), client.sign(text("x")));
  });

  it("without SIGN or SEAL (ALWAYS_SIGN only) the signature is Version 1 and zeros (3.4.4.3)", () => {
    const { client, server } = pair(flags & ~F.NTLMSSP_NEGOTIATE_SEAL & ~F.NTLMSSP_NEGOTIATE_SIGN);
    const signature = client.sign(text("x"));
    expect(toHex(signature)).toBe(`01${"00".repeat(15)}`);
    server.verify(text("x"), signature);
  });

  it("without KEY_EXCH the checksum is in the clear but still verifies", () => {
    const { client, server } = pair(flags & ~F.NTLMSSP_NEGOTIATE_KEY_EXCH);
    const sealed = client.seal(text("x"));
    expect(server.unseal(sealed.sealed, sealed.signature)).toEqual(text("x"));
  });

  it("refuses NTLMv1-era session security and bad keys", () => {
    expect(
      () =>
        new NtlmSessionSecurity({
          flags: flags & ~F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
          exportedSessionKey,
          role: "client",
        }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.AUTH_UNSUPPORTED }));
    expect(
      () => new NtlmSessionSecurity({ flags, exportedSessionKey: new Uint8Array(8), role: "client" }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });
});
