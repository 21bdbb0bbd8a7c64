import type { PeerCertificate } from "node:tls";

/**
 * Outlook writes the expected server principal name as `msstd:host.example.com`
 * (MS-OXDSCLI CertPrincipalName / RPC over HTTP "only connect if the certificate has this
 * principal name"). The prefix only says "standard name form"; the name is what counts.
 */
export function normalizePrincipalName(name: string): string {
  return name
    .trim()
    .replace(/^msstd:/i, "")
    .toLowerCase();
}

/** DNS names in the certificate's subjectAltName ("DNS:a, IP Address:1.2.3.4, DNS:b"). */
function dnsAltNames(certificate: PeerCertificate): string[] {
  const altNames = certificate.subjectaltname ?? "";
  return altNames
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
}

function commonNames(certificate: PeerCertificate): string[] {
  const cn = certificate.subject?.CN as string | string[] | undefined;
  if (cn === undefined) return [];
  return (Array.isArray(cn) ? cn : [cn]).map((name) => name.toLowerCase());
}

/**
 * Exact match against the subject CN or a DNS SAN. Wildcards are deliberately not
 * expanded: the point of a principal name is to pin one named server.
 */
export function certificateHasPrincipalName(certificate: PeerCertificate, expected: string): boolean {
  const wanted = normalizePrincipalName(expected);
  return [...commonNames(certificate), ...dnsAltNames(certificate)].includes(wanted);
}

/** Names the certificate does carry, for the error details (names are public, not secrets). */
export function certificateNames(certificate: PeerCertificate): string[] {
  return [...new Set([...commonNames(certificate), ...dnsAltNames(certificate)])];
}
