import { fromHex } from "../../src/bytes/encoding.js";
import { AvId, encodeChallenge, NegotiateFlag as F, textAvPair } from "../../src/ntlm/index.js";

/** A timestamp-bearing CHALLENGE like current Windows servers send (built, not captured). */
export const MODERN_SERVER_CHALLENGE = fromHex("1122334455667788");
/** 2024-01-01T00:00:00Z as FILETIME. */
export const MODERN_SERVER_TIME = 133_485_408_000_000_000n;

export const MODERN_CHALLENGE_FLAGS =
  (F.NTLMSSP_NEGOTIATE_UNICODE |
    F.NTLMSSP_REQUEST_TARGET |
    F.NTLMSSP_NEGOTIATE_SIGN |
    F.NTLMSSP_NEGOTIATE_SEAL |
    F.NTLMSSP_NEGOTIATE_NTLM |
    F.NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    F.NTLMSSP_TARGET_TYPE_DOMAIN |
    F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
    F.NTLMSSP_NEGOTIATE_TARGET_INFO |
    F.NTLMSSP_NEGOTIATE_VERSION |
    F.NTLMSSP_NEGOTIATE_128 |
    F.NTLMSSP_NEGOTIATE_KEY_EXCH |
    F.NTLMSSP_NEGOTIATE_56) >>>
  0;

export function modernChallenge(flags: number = MODERN_CHALLENGE_FLAGS): Uint8Array {
  const timestamp = new Uint8Array(8);
  new DataView(timestamp.buffer).setBigUint64(0, MODERN_SERVER_TIME, true);
  return encodeChallenge({
    flags,
    serverChallenge: MODERN_SERVER_CHALLENGE,
    targetName: "CONTOSO",
    targetInfo: [
      textAvPair(AvId.MsvAvNbDomainName, "CONTOSO"),
      textAvPair(AvId.MsvAvNbComputerName, "MAIL01"),
      textAvPair(AvId.MsvAvDnsDomainName, "contoso.com"),
      textAvPair(AvId.MsvAvDnsComputerName, "mail01.contoso.com"),
      textAvPair(AvId.MsvAvDnsTreeName, "contoso.com"),
      { id: AvId.MsvAvTimestamp, value: timestamp },
    ],
    version: { productMajorVersion: 10, productMinorVersion: 0, productBuild: 20348, ntlmRevision: 15 },
  });
}
