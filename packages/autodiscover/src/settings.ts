/** Where a mail server wants TLS: implicit from the first byte, upgraded with STARTTLS, or none. */
export type MailEncryption = "tls" | "starttls" | "none";

export interface MailServer {
  host: string;
  port: number;
  encryption: MailEncryption;
  /** The login name the server expects, when it said (autoconfig `%EMAILADDRESS%` already substituted). */
  username?: string;
  /** Authentication methods as the source named them (autoconfig `password-encrypted`, POX SPA on → "spa"). */
  authentication?: readonly string[];
  /** Where this entry came from: a POX IMAP/POP3/SMTP block, autoconfig, or a port probe. */
  source: "pox" | "autoconfig" | "port-probe";
}

export interface UrlPair {
  internalUrl?: string;
  externalUrl?: string;
}

export interface UserSettings {
  displayName?: string;
  /** The user's legacy distinguished name (MS-OXDSCLI LegacyDN, MS-OXWSADISC UserDN). */
  legacyDn?: string;
  /** The address the server answered for (may differ from the one asked after redirects). */
  autoDiscoverSmtpAddress?: string;
  deploymentId?: string;
  /** The mailbox database's legacy DN (POX EXCH MdbDN, SOAP MailboxDN). */
  mailboxDn?: string;
  /** The mailbox GUID (`MailboxId` of the MAPI/HTTP URLs, or the `guid@domain` EXCH server name). */
  mailboxId?: string;
}

/** RPC over HTTP (Outlook Anywhere) as the EXCH and EXPR blocks describe it (MS-OXDSCLI 2.2.4.1.1.2). */
export interface RpcHttpSettings {
  /** EXCH Server: the mailbox server (or its GUID@domain form) to ask the RPC proxy for. */
  mailboxServer?: string;
  mailboxServerDn?: string;
  serverVersion?: string;
  mdbDn?: string;
  /** EXPR Server: the RPC proxy (Outlook Anywhere) host name. */
  proxyServer?: string;
  /** EXPR AuthPackage: Basic, Ntlm, Negotiate, Kerb, KerbNtlm, Certificate, Anonymous. */
  authPackage?: string;
  /** EXPR SSL: whether the proxy must be reached over https. */
  sslRequired?: boolean;
  /** EXPR CertPrincipalName, e.g. `msstd:mail.contoso.com`; pass it to core's `tls.expectedPrincipalName`. */
  certPrincipalName?: string;
}

export interface MapiHttpSettings {
  mailStore: UrlPair;
  addressBook: UrlPair;
}

export interface ExchangeSettings {
  /** The address the settings belong to (after any redirectAddr). */
  emailAddress: string;
  user: UserSettings;
  mapiHttp?: MapiHttpSettings;
  rpcHttp?: RpcHttpSettings;
  ews?: UrlPair;
  oab?: UrlPair;
  /** Outlook Web App URLs, when the server listed them. */
  owa?: UrlPair;
  imap: readonly MailServer[];
  pop3: readonly MailServer[];
  smtp: readonly MailServer[];
}
