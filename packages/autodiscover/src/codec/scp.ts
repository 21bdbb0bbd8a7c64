/**
 * Autodiscover service connection points (SCPs) in Active Directory, as a pure codec: the
 * search filter to send and the decisions taken on the entries that come back. No LDAP I/O
 * here (see methods/scp.ts).
 *
 * Sources: MS-OXDISCO 2.2.1.2 (the search) and 3.1.5.1 (pointers vs URLs); the Exchange
 * "Find Autodiscover endpoints by using SCP lookup" guide for the two keyword GUIDs, the
 * `Domain=` scoping of pointers and the `Site=` preference order of URLs.
 */

/** Keyword GUIDs Exchange puts on its SCP objects. */
export const ScpKeyword = {
  /** An "SCP pointer": serviceBindingInformation is an LDAP URL of a directory to ask instead. */
  pointer: "67661d7F-8FC4-4fa7-BFAC-E1D7794C1F68",
  /** An "SCP URL": serviceBindingInformation is an Autodiscover (POX) URL. */
  url: "77378F46-2C66-4aa9-A6A6-3E7A48B19596",
} as const;

/** The attributes the search asks for (MS-OXDISCO 2.2.1.2: at least these two). */
export const SCP_ATTRIBUTES = ["keywords", "serviceBindingInformation"] as const;

/** Subtree search below the configuration naming context for either kind of Autodiscover SCP. */
export const SCP_FILTER = `(&(objectClass=serviceConnectionPoint)(|(keywords=${ScpKeyword.pointer})(keywords=${ScpKeyword.url})))`;

export const SCP_LIMITS = {
  /** Entries read from one search; a forest publishes one URL SCP per Client Access server. */
  maxEntries: 500,
  /** URLs kept after ordering; more would only be more candidates to race. */
  maxUrls: 16,
  /** Longest serviceBindingInformation value looked at (a URL; AD allows 4096 characters). */
  maxValueLength: 4096,
} as const;

export interface ScpEntry {
  dn: string;
  keywords: readonly string[];
  serviceBindingInformation: readonly string[];
}

export interface ScpClassification {
  /** LDAP servers named by pointers scoped to the user's domain (`Domain=<domain>`): search there instead. */
  domainPointers: string[];
  /** LDAP servers named by pointers scoped to no domain: asked only when this directory has no URL SCP. */
  fallbackPointers: string[];
  /** Autodiscover URLs, best first: the client's site, then no site, then other sites. */
  urls: string[];
}

function keywordValue(keywords: readonly string[], name: string): string[] {
  const prefix = `${name.toLowerCase()}=`;
  return keywords
    .filter((keyword) => keyword.toLowerCase().startsWith(prefix))
    .map((keyword) => keyword.slice(prefix.length).trim().toLowerCase());
}

function hasKeyword(keywords: readonly string[], guid: string): boolean {
  const wanted = guid.toLowerCase();
  return keywords.some((keyword) => keyword.toLowerCase() === wanted);
}

function usableValues(values: readonly string[]): string[] {
  return values.filter((value) => value.length > 0 && value.length <= SCP_LIMITS.maxValueLength);
}

/**
 * Sorts the entries of one SCP search. Pointers (serviceBindingInformation `LDAP://host[:port]`)
 * scoped to another domain are dropped. URL SCPs are ranked by site: `Site=<site>` equal to the
 * client's site first, then those with no `Site=` keyword, then those for other sites (stable
 * within a rank, duplicates removed). Only http(s) URLs are kept; the credential gate later
 * refuses the http ones.
 */
export function classifyScpEntries(
  entries: readonly ScpEntry[],
  options: { domain: string; site?: string | undefined },
): ScpClassification {
  const domain = options.domain.toLowerCase();
  const site = options.site?.trim().toLowerCase();
  const domainPointers: string[] = [];
  const fallbackPointers: string[] = [];
  const ranked: Array<{ rank: number; order: number; url: string }> = [];
  let order = 0;
  for (const entry of entries.slice(0, SCP_LIMITS.maxEntries)) {
    const values = usableValues(entry.serviceBindingInformation);
    if (hasKeyword(entry.keywords, ScpKeyword.pointer)) {
      const scopes = keywordValue(entry.keywords, "domain");
      const ldapUrls = values.filter((value) => /^ldaps?:\/\//i.test(value));
      if (scopes.length === 0) fallbackPointers.push(...ldapUrls);
      else if (scopes.includes(domain)) domainPointers.push(...ldapUrls);
      continue;
    }
    if (!hasKeyword(entry.keywords, ScpKeyword.url)) continue;
    const sites = keywordValue(entry.keywords, "site");
    const rank = sites.length === 0 ? 1 : site !== undefined && sites.includes(site) ? 0 : 2;
    for (const value of values) {
      if (/^https?:\/\//i.test(value)) ranked.push({ rank, order: order++, url: value });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const urls = [...new Set(ranked.map((entry) => entry.url))].slice(0, SCP_LIMITS.maxUrls);
  return {
    domainPointers: [...new Set(domainPointers)],
    fallbackPointers: [...new Set(fallbackPointers)],
    urls,
  };
}

/**
 * Reads a pointer's `LDAP://host[:port]` (MS-OXDISCO 3.1.5.1). The scheme's case varies in AD
 * data; the security (ldaps, StartTLS) is the caller's choice, not the pointer's.
 */
export function parseLdapPointer(value: string): { host: string; port: number | undefined } | undefined {
  const match = /^ldaps?:\/\/([^/:?#\s]+)(?::(\d{1,5}))?\/?$/i.exec(value.trim());
  if (match === null) return undefined;
  const host = (match[1] as string).toLowerCase();
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { host, port };
}
