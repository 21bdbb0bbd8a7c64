import type { SaslCredentials } from "./sasl-mechanism.js";
import { SaslMechanismName } from "./sasl-mechanism.js";

/**
 * What each mechanism needs and whether it puts a reusable secret on the wire, as data, so
 * the policy can decide without building mechanism objects. Each class repeats its flag;
 * a test checks that the two agree.
 */
export const SaslMechanismTraits: Readonly<
  Record<
    SaslMechanismName,
    { readonly credential: SaslCredentials["kind"]; readonly exposesReusableSecret: boolean }
  >
> = {
  [SaslMechanismName.SCRAM_SHA_256]: { credential: "password", exposesReusableSecret: false },
  [SaslMechanismName.SCRAM_SHA_1]: { credential: "password", exposesReusableSecret: false },
  [SaslMechanismName.NTLM]: { credential: "password", exposesReusableSecret: false },
  [SaslMechanismName.CRAM_MD5]: { credential: "password", exposesReusableSecret: false },
  [SaslMechanismName.PLAIN]: { credential: "password", exposesReusableSecret: true },
  [SaslMechanismName.LOGIN]: { credential: "password", exposesReusableSecret: true },
  [SaslMechanismName.OAUTHBEARER]: { credential: "oauth2", exposesReusableSecret: true },
  [SaslMechanismName.XOAUTH2]: { credential: "oauth2", exposesReusableSecret: true },
};
