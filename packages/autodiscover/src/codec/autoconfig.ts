import { ParseError } from "@mailwire/core";
import type { MailEncryption, MailServer } from "../settings.js";
import { AutodiscoverLimits } from "./limits.js";
import { childrenNamed, childText, parseXmlTree, type XmlElement, type XmlLimits } from "./xml-tree.js";

/**
 * Mozilla ISPDB / autoconfig `config-v1.1.xml` (Thunderbird's format; there is no RFC):
 * `clientConfig/emailProvider` with `incomingServer type="imap|pop3"` and
 * `outgoingServer type="smtp"`, each with hostname, port, socketType (SSL, STARTTLS, plain),
 * authentication and username with `%EMAILADDRESS%`-style placeholders.
 */
export interface AutoconfigServers {
  displayName?: string;
  imap: MailServer[];
  pop3: MailServer[];
  smtp: MailServer[];
}

const SOCKET_TYPES: Readonly<Record<string, MailEncryption>> = {
  ssl: "tls",
  starttls: "starttls",
  plain: "none",
};

function substitute(template: string, emailAddress: string): string {
  const at = emailAddress.lastIndexOf("@");
  const local = at < 0 ? emailAddress : emailAddress.slice(0, at);
  const domain = at < 0 ? "" : emailAddress.slice(at + 1);
  return template
    .replaceAll("%EMAILADDRESS%", emailAddress)
    .replaceAll("%EMAILLOCALPART%", local)
    .replaceAll("%EMAILDOMAIN%", domain);
}

// A host name, not a URL or anything with a path, port or spaces: the value ends up in a connect call.
const HOST =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function serverOf(element: XmlElement, emailAddress: string): MailServer | undefined {
  const host = childText(element, "hostname");
  const port = Number(childText(element, "port"));
  const socketType = SOCKET_TYPES[(childText(element, "socketType") ?? "").toLowerCase()];
  if (host === undefined || !HOST.test(substitute(host, emailAddress))) return undefined;
  if (!Number.isInteger(port) || port < 1 || port > 65_535 || socketType === undefined) return undefined;
  const username = childText(element, "username");
  const authentication = childrenNamed(element, "authentication")
    .map((entry) => entry.text)
    .filter((text) => text !== "");
  return {
    host: substitute(host, emailAddress).toLowerCase(),
    port,
    encryption: socketType,
    source: "autoconfig",
    ...(username === undefined ? {} : { username: substitute(username, emailAddress) }),
    ...(authentication.length === 0 ? {} : { authentication }),
  };
}

export function parseAutoconfig(
  input: string | Uint8Array,
  emailAddress: string,
  limits?: XmlLimits,
): AutoconfigServers {
  const root = parseXmlTree(input, limits);
  if (root.name !== "clientConfig") throw new ParseError(`expected <clientConfig>, got <${root.name}>`);
  const provider = childrenNamed(root, "emailProvider")[0];
  if (provider === undefined) throw new ParseError("the autoconfig document has no emailProvider");
  const result: AutoconfigServers = { imap: [], pop3: [], smtp: [] };
  const displayName = childText(provider, "displayName");
  if (displayName !== undefined) result.displayName = displayName;
  const servers = [
    ...childrenNamed(provider, "incomingServer"),
    ...childrenNamed(provider, "outgoingServer"),
  ];
  for (const element of servers) {
    const type = element.attributes.type?.toLowerCase();
    const list =
      type === "imap"
        ? result.imap
        : type === "pop3"
          ? result.pop3
          : type === "smtp"
            ? result.smtp
            : undefined;
    if (list === undefined || list.length >= AutodiscoverLimits.maxServersPerProtocol) continue;
    const server = serverOf(element, emailAddress);
    if (server !== undefined) list.push(server);
  }
  return result;
}
