// Public surface of @mailwire/autodiscover. Names are listed explicitly (no `export *`).
export { type AutoconfigServers, parseAutoconfig } from "./codec/autoconfig.js";
export {
  type AutodiscoverV2Response,
  autodiscoverV2Path,
  parseAutodiscoverV2,
} from "./codec/autodiscover-v2.js";
export { AutodiscoverLimits } from "./codec/limits.js";
export {
  buildPoxRequest,
  PoxNamespace,
  PoxRequestHeaders,
  type PoxRequestInit,
} from "./codec/pox-request.js";
export {
  type PoxOwaUrl,
  type PoxProtocol,
  type PoxResponse,
  type PoxUrlPair,
  type PoxUser,
  parsePoxResponse,
} from "./codec/pox-response.js";
export {
  classifyScpEntries,
  parseLdapPointer,
  SCP_ATTRIBUTES,
  SCP_FILTER,
  SCP_LIMITS,
  type ScpClassification,
  type ScpEntry,
  ScpKeyword,
} from "./codec/scp.js";
export { settingsFromPox } from "./codec/settings-from-pox.js";
export { settingsFromSoap } from "./codec/settings-from-soap.js";
export {
  buildGetUserSettingsRequest,
  DEFAULT_USER_SETTINGS,
  GET_USER_SETTINGS_ACTION,
  type GetUserSettingsRequestInit,
  type GetUserSettingsResponse,
  parseGetUserSettingsResponse,
  SoapAutodiscoverNamespace,
  type UserResponse,
  type UserSettingError,
} from "./codec/soap-get-user-settings.js";
export type { XmlLimits } from "./codec/xml-tree.js";
export { discover } from "./discover.js";
export type {
  DiscoverOptions,
  DiscoveryResult,
  DiscoverySource,
  LdapDiscoveryOptions,
  SwitchableMethod,
} from "./discover-options.js";
export type { DnsResolver, PortProbe, SettingsEndpoint, SrvRecord } from "./discovery/context.js";
export type { ConfirmRedirect } from "./discovery/credential-gate.js";
export {
  createDiscoveryCache,
  type DiscoveryCache,
  type DiscoveryCacheOptions,
} from "./discovery/discovery-cache.js";
export type { AttemptOutcome, DiscoveryAttempt, DiscoveryMethod } from "./discovery/trace.js";
export {
  type BatchUserSettings,
  type GetUserSettingsOptions,
  getUserSettings,
} from "./get-user-settings.js";
export type {
  LdapDirectory,
  LdapEntry,
  LdapOpenOptions,
  LdapSearchOptions,
  LdapSecurity,
  LdapSession,
} from "./ldap/ldap-directory.js";
export { ldaptsDirectory } from "./ldap/ldapts-directory.js";
export type {
  ExchangeSettings,
  MailEncryption,
  MailServer,
  MapiHttpSettings,
  RpcHttpSettings,
  UrlPair,
  UserSettings,
} from "./settings.js";
