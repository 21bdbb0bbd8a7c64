import type { ExchangeSettings, MailEncryption, MailServer, RpcHttpSettings, UrlPair } from "../settings.js";
import type { PoxProtocol, PoxResponse } from "./pox-response.js";
import { nonEmpty, withoutUndefined } from "./without-undefined.js";

type PoxSettings = Extract<PoxResponse, { kind: "settings" }>;

function onOff(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.toLowerCase() === "on";
}

/** MS-OXDSCLI 2.2.4.1.1.2.x Encryption/SSL for IMAP, POP3 and SMTP blocks. */
function encryptionOf(protocol: PoxProtocol): MailEncryption {
  const encryption = protocol.values.Encryption?.toLowerCase();
  if (encryption === "tls") return "starttls";
  if (encryption === "ssl") return "tls";
  if (encryption === "none") return "none";
  // "Auto" or absent: SSL On means implicit TLS; off means none was promised.
  return onOff(protocol.values.SSL) === false ? "none" : "tls";
}

function mailServerOf(protocol: PoxProtocol, defaultPort: number): MailServer | undefined {
  const host = protocol.values.Server;
  if (host === undefined) return undefined;
  const port = Number.parseInt(protocol.values.Port ?? "", 10);
  const spa = onOff(protocol.values.SPA);
  const username = protocol.values.LoginName;
  return {
    host,
    port: Number.isInteger(port) && port > 0 && port < 65_536 ? port : defaultPort,
    encryption: encryptionOf(protocol),
    source: "pox",
    ...(username === undefined ? {} : { username }),
    ...(spa === true ? { authentication: ["spa"] } : {}),
  };
}

const GUID_AT_DOMAIN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;

/** Since Exchange 2013 the mailbox is addressed by GUID: `?MailboxId=guid@domain` (MS-OXCMAPIHTTP 2.2.1) or EXCH Server `guid@domain`. */
export function mailboxIdOf(mapiUrl: string | undefined, exchServer: string | undefined): string | undefined {
  if (mapiUrl !== undefined) {
    try {
      const id = new URL(mapiUrl).searchParams.get("MailboxId");
      if (id) return id;
    } catch {
      // Not a URL (the 4.4 example has a typo in another URL); fall through to the server name.
    }
  }
  return exchServer !== undefined && GUID_AT_DOMAIN.test(exchServer) ? exchServer : undefined;
}

function pair(internalUrl: string | undefined, externalUrl: string | undefined): UrlPair | undefined {
  return nonEmpty({ internalUrl, externalUrl });
}

/**
 * Maps a POX settings answer to ExchangeSettings. EXCH describes the mailbox as seen from
 * inside the network, EXPR the Outlook Anywhere proxy from outside (MS-OXDSCLI 2.2.4.1.1.2),
 * so EXCH URLs are "internal" and EXPR ones "external"; the WEB block's nested Internal/
 * External protocols fill gaps when the top-level blocks omit a URL.
 */
export function settingsFromPox(emailAddress: string, answer: PoxSettings): ExchangeSettings {
  const all = answer.protocols.flatMap((protocol) => [protocol, ...protocol.nested]);
  const find = (type: string) => all.find((protocol) => protocol.type.toLowerCase() === type.toLowerCase());
  const exch = find("EXCH");
  const expr = find("EXPR");
  const web = find("WEB");
  const mapi = find("mapiHttp");
  const ewsOf = (protocol: PoxProtocol | undefined) => protocol?.values.EwsUrl ?? protocol?.values.ASUrl;

  const rpcHttp: RpcHttpSettings | undefined =
    exch === undefined && expr === undefined
      ? undefined
      : nonEmpty({
          mailboxServer: exch?.values.Server,
          mailboxServerDn: exch?.values.ServerDN,
          serverVersion: exch?.values.ServerVersion,
          mdbDn: exch?.values.MdbDN,
          proxyServer: expr?.values.Server,
          authPackage: expr?.values.AuthPackage,
          sslRequired: onOff(expr?.values.SSL),
          certPrincipalName: expr?.values.CertPrincipalName,
        });

  const servers = (type: string, defaultPort: number) =>
    answer.protocols
      .filter((protocol) => protocol.type.toUpperCase() === type)
      .map((protocol) => mailServerOf(protocol, defaultPort))
      .filter((server): server is MailServer => server !== undefined);

  const owaInternal = web?.owaUrls.find((owa) => owa.location === "internal")?.url;
  const owaExternal = web?.owaUrls.find((owa) => owa.location === "external")?.url;
  const ews = pair(ewsOf(exch), ewsOf(expr));
  const oab = pair(exch?.values.OABUrl, expr?.values.OABUrl);
  const owa = pair(owaInternal, owaExternal);
  const mapiHttp =
    mapi === undefined
      ? undefined
      : {
          mailStore: withoutUndefined({ ...mapi.mailStore }),
          addressBook: withoutUndefined({ ...mapi.addressBook }),
        };

  return {
    emailAddress,
    user: withoutUndefined({
      ...answer.user,
      mailboxDn: exch?.values.MdbDN,
      mailboxId: mailboxIdOf(
        mapi?.mailStore?.internalUrl ?? mapi?.mailStore?.externalUrl,
        exch?.values.Server,
      ),
    }),
    imap: servers("IMAP", 993),
    pop3: servers("POP3", 995),
    smtp: servers("SMTP", 587),
    ...(mapiHttp === undefined ? {} : { mapiHttp }),
    ...(rpcHttp === undefined ? {} : { rpcHttp }),
    ...(ews === undefined ? {} : { ews }),
    ...(oab === undefined ? {} : { oab }),
    ...(owa === undefined ? {} : { owa }),
  };
}
