/** The URLs the sim advertises for its one mailbox, built from its own origin. */
export interface SimEndpoints {
  origin: string;
  host: string;
  displayName: string;
  legacyDn: string;
  mailboxGuid: string;
  dnsDomain: string;
}

export function simUrls(endpoints: SimEndpoints) {
  const mailboxId = `${endpoints.mailboxGuid}@${endpoints.dnsDomain}`;
  return {
    ews: `${endpoints.origin}/EWS/Exchange.asmx`,
    oab: `${endpoints.origin}/OAB/${endpoints.mailboxGuid}/`,
    mapiMailStore: `${endpoints.origin}/mapi/emsmdb/?MailboxId=${mailboxId}`,
    mapiAddressBook: `${endpoints.origin}/mapi/nspi/?MailboxId=${mailboxId}`,
    owa: `${endpoints.origin}/owa/`,
    mailboxServer: mailboxId,
  };
}

export function xmlText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The first `<...Name>text</...Name>` in a small request body; the sim needs nothing richer. */
export function elementText(xml: string, localName: string): string | undefined {
  const match = new RegExp(`<(?:[A-Za-z0-9_]+:)?${localName}>([^<]*)</(?:[A-Za-z0-9_]+:)?${localName}>`).exec(
    xml,
  );
  return match?.[1]
    ?.replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
