import { type AvPair, decodeAvPairs, encodeAvPairs } from "../../src/ntlm/av-pairs.js";
import { AvId } from "../../src/ntlm/constants.js";
import { hmacMd5, ntowfV2, rc4 } from "../../src/ntlm/crypto.js";

// A hand-built NTLMv2 client for the tests (MS-NLMP 3.1.5.1.2): enough to drive the simulator
// with MIC, timestamps and channel bindings, and to break each of them on purpose.

export const NEGOTIATE_FLAGS = 0xe2088297; // UNICODE|OEM|REQUEST_TARGET|SIGN|SEAL|NTLM|ALWAYS_SIGN|ESS|VERSION|128|KEY_EXCH|56

export function negotiateMessage(flags = NEGOTIATE_FLAGS): Uint8Array {
  const out = Buffer.alloc(40);
  out.write("NTLMSSP\0", 0, "latin1");
  out.writeUInt32LE(1, 8);
  out.writeUInt32LE(flags >>> 0, 12);
  // Domain and workstation fields empty; Version 10.0.
  out.set([10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f], 32);
  return new Uint8Array(out);
}

export interface ParsedChallenge {
  flags: number;
  serverChallenge: Uint8Array;
  targetInfo: AvPair[];
}

export function parseChallenge(bytes: Uint8Array): ParsedChallenge {
  const b = Buffer.from(bytes);
  const infoLength = b.readUInt16LE(40);
  const infoOffset = b.readUInt32LE(44);
  return {
    flags: b.readUInt32LE(20),
    serverChallenge: new Uint8Array(b.subarray(24, 32)),
    targetInfo: decodeAvPairs(new Uint8Array(b.subarray(infoOffset, infoOffset + infoLength))),
  };
}

export interface AuthenticateOptions {
  user: string;
  domain: string;
  password: string;
  negotiate: Uint8Array;
  challenge: Uint8Array;
  /** MsvAvChannelBindings value; omitted when undefined. */
  channelBinding?: Uint8Array;
  mic?: "correct" | "none" | "wrong";
  /** 8-byte client challenge (fixed in tests). */
  clientChallenge?: Uint8Array;
}

export function authenticateMessage(options: AuthenticateOptions): Uint8Array {
  const challenge = parseChallenge(options.challenge);
  const micMode = options.mic ?? "correct";
  const timestamp =
    challenge.targetInfo.find((p) => p.id === AvId.MsvAvTimestamp)?.value ?? new Uint8Array(8);
  const pairs: AvPair[] = challenge.targetInfo.filter((p) => p.id !== AvId.MsvAvFlags);
  if (micMode !== "none") pairs.push({ id: AvId.MsvAvFlags, value: Uint8Array.from([2, 0, 0, 0]) });
  if (options.channelBinding) pairs.push({ id: AvId.MsvAvChannelBindings, value: options.channelBinding });
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    options.clientChallenge ?? Buffer.alloc(8, 0xaa),
    Buffer.alloc(4),
    encodeAvPairs(pairs),
    Buffer.alloc(4),
  ]);
  const responseKey = ntowfV2(options.password, options.user, options.domain);
  const ntProofStr = hmacMd5(responseKey, challenge.serverChallenge, temp);
  const ntResponse = Buffer.concat([ntProofStr, temp]);
  const keyExchangeKey = hmacMd5(responseKey, ntProofStr);
  const exportedSessionKey = Buffer.alloc(16, 0x55);
  const encryptedKey = rc4(keyExchangeKey, exportedSessionKey);

  const domain = Buffer.from(options.domain, "utf16le");
  const user = Buffer.from(options.user, "utf16le");
  const workstation = Buffer.from("TESTBOX", "utf16le");
  const lm = Buffer.alloc(24); // MS-NLMP 3.1.5.1.2: LmChallengeResponse zeroed when TargetInfo has a timestamp
  const payload = [lm, ntResponse, domain, user, workstation, Buffer.from(encryptedKey)];
  const header = Buffer.alloc(88);
  header.write("NTLMSSP\0", 0, "latin1");
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  [12, 20, 28, 36, 44, 52].forEach((at, index) => {
    const field = payload[index]!;
    header.writeUInt16LE(field.length, at);
    header.writeUInt16LE(field.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += field.length;
  });
  header.writeUInt32LE(challenge.flags, 60);
  header.set([10, 0, 0x61, 0x4a, 0, 0, 0, 0x0f], 64);
  const message = Buffer.concat([header, ...payload]);
  if (micMode !== "none") {
    const mic = hmacMd5(exportedSessionKey, options.negotiate, options.challenge, message);
    if (micMode === "wrong") mic[0] = mic[0]! ^ 0xff;
    message.set(mic, 72);
  }
  return new Uint8Array(message);
}

export const ntlmHeader = (bytes: Uint8Array) => `NTLM ${Buffer.from(bytes).toString("base64")}`;

export function challengeFromHeader(header: string | undefined): Uint8Array {
  if (!header?.startsWith("NTLM ")) throw new Error(`no NTLM challenge in ${header}`);
  return new Uint8Array(Buffer.from(header.slice(5), "base64"));
}
