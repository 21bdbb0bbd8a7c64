// Public surface of the NTLM (MS-NLMP) module. Explicit names only.
export {
  AUTHENTICATE_MIC_OFFSET,
  decodeAuthenticate,
  encodeAuthenticate,
  MIC_LENGTH,
  type NtlmAuthenticate,
  type NtlmAuthenticateInit,
} from "./authenticate-message.js";
export {
  AvId,
  type AvPair,
  decodeAvPairs,
  encodeAvPairs,
  findAvPair,
  MsvAvFlag,
  summarizeTargetInfo,
  type TargetInfoSummary,
  textAvPair,
  u32AvPair,
} from "./av-pair.js";
export {
  certificateSignatureAlgorithm,
  tlsServerEndPointHashAlgorithm,
} from "./certificate-hash-algorithm.js";
export {
  decodeChallenge,
  encodeChallenge,
  type NtlmChallenge,
  type NtlmChallengeInit,
} from "./challenge-message.js";
export { channelBindingsHash, gssChannelBindings, tlsServerEndPoint } from "./channel-bindings.js";
export { NtlmLimits } from "./limits.js";
export { MessageType, NTLMSSP_SIGNATURE } from "./message-fields.js";
export { describeFlags, hasFlag, NegotiateFlag, type NegotiateFlagName } from "./negotiate-flags.js";
export {
  decodeNegotiate,
  encodeNegotiate,
  type NtlmNegotiate,
  type NtlmNegotiateInit,
} from "./negotiate-message.js";
export {
  clientAvPairs,
  NTLM_CLIENT_NEGOTIATE_FLAGS,
  NtlmClient,
  type NtlmClientOptions,
  type NtlmCredentials,
  negotiatedFlags,
} from "./ntlm-client.js";
export {
  computeLmV2Response,
  computeMic,
  computeNtlmV2Response,
  decodeNtlmV2Response,
  encodeNtlmV2ClientChallenge,
  encryptRandomSessionKey,
  lmowfv2,
  type NtlmV2ClientChallengeInit,
  type NtlmV2Response,
  type NtlmV2ResponseInit,
  type NtlmV2ResponseParts,
  ntowfv1,
  ntowfv2,
  ntowfv2FromNtHash,
} from "./ntlmv2.js";
export { deriveSealingKey, deriveSigningKey, type NtlmKeyMode } from "./session-keys.js";
export {
  NTLM_SIGNATURE_LENGTH,
  NtlmSessionSecurity,
  type NtlmSessionSecurityOptions,
  type NtlmWrapBuffer,
} from "./session-security.js";
export { type NtlmIdentity, ntlmUppercase, parseNtlmUserName } from "./user-name.js";
export { DEFAULT_NTLM_VERSION, NTLMSSP_REVISION_W2K3, type NtlmVersion } from "./version.js";
