import type { ExchangeSettings, RpcHttpSettings, UrlPair } from "../settings.js";
import type { UserResponse } from "./soap-get-user-settings.js";
import { nonEmpty } from "./without-undefined.js";

/** Maps the StringSettings of one successful UserResponse (MS-OXWSADISC 2.2.4.x names) to ExchangeSettings. */
export function settingsFromSoap(emailAddress: string, user: UserResponse): ExchangeSettings {
  const s = user.settings;
  const requiresSsl = s.ExternalMailboxServerRequiresSSL;
  const rpcHttp: RpcHttpSettings | undefined = nonEmpty({
    mailboxServer: s.InternalMailboxServer,
    mailboxServerDn: s.InternalMailboxServerDN,
    serverVersion: s.CasVersion,
    mdbDn: s.MailboxDN,
    proxyServer: s.ExternalMailboxServer,
    authPackage: s.ExternalMailboxServerAuthenticationMethods,
    sslRequired: requiresSsl === undefined ? undefined : requiresSsl.toLowerCase() === "true",
    certPrincipalName: s.CertPrincipalName,
  });
  const ews: UrlPair | undefined = nonEmpty({ internalUrl: s.InternalEwsUrl, externalUrl: s.ExternalEwsUrl });
  const oab: UrlPair | undefined = nonEmpty({ internalUrl: s.InternalOABUrl, externalUrl: s.ExternalOABUrl });
  return {
    emailAddress,
    user:
      nonEmpty({
        displayName: s.UserDisplayName,
        legacyDn: s.UserDN,
        autoDiscoverSmtpAddress: s.AutoDiscoverSMTPAddress,
        deploymentId: s.UserDeploymentId,
        mailboxDn: s.MailboxDN,
      }) ?? {},
    imap: [],
    pop3: [],
    smtp: [],
    ...(rpcHttp === undefined ? {} : { rpcHttp }),
    ...(ews === undefined ? {} : { ews }),
    ...(oab === undefined ? {} : { oab }),
  };
}
