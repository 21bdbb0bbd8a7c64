export {
  authenticateSasl,
  type SaslAuthenticateOptions,
  type SaslConversation,
  type SaslServerReply,
} from "./authenticate-sasl.js";
export {
  chooseSaslMechanism,
  SaslPreferenceOrder,
  type SaslSelectionOptions,
} from "./choose-sasl-mechanism.js";
export { CramMd5Mechanism, type CramMd5MechanismOptions } from "./cram-md5-mechanism.js";
export { createSaslMechanism, type SaslMechanismOptions } from "./create-sasl-mechanism.js";
export { SaslLimits } from "./limits.js";
export { LoginMechanism, type LoginMechanismOptions } from "./login-mechanism.js";
export { NtlmMechanism, type NtlmMechanismOptions } from "./ntlm-mechanism.js";
export { parseOAuthError } from "./oauth-error.js";
export { OAuthBearerMechanism, type OAuthBearerMechanismOptions } from "./oauthbearer-mechanism.js";
export { PlainMechanism, type PlainMechanismOptions } from "./plain-mechanism.js";
export {
  EMPTY_RESPONSE,
  type SaslCredentials,
  type SaslMechanism,
  SaslMechanismName,
  type SaslOAuthCredentials,
  type SaslPasswordCredentials,
} from "./sasl-mechanism.js";
export { SaslMechanismTraits } from "./sasl-mechanism-traits.js";
export { saslprep } from "./saslprep.js";
export { ScramMechanism, type ScramMechanismName, type ScramMechanismOptions } from "./scram-mechanism.js";
export { selectSaslMechanism } from "./select-sasl-mechanism.js";
export { Xoauth2Mechanism, type Xoauth2MechanismOptions } from "./xoauth2-mechanism.js";
