import { ProtocolError, RedirectRefusedError } from "@mailwire/core";
import {
  classifyScpEntries,
  parseLdapPointer,
  SCP_ATTRIBUTES,
  SCP_FILTER,
  SCP_LIMITS,
  type ScpEntry,
} from "../codec/scp.js";
import type { CandidateOutcome, RoundContext, ScpContext } from "../discovery/context.js";
import { isWithinDomain } from "../discovery/email-address.js";
import { priorityRace } from "../discovery/priority-race.js";
import type { LdapEntry, LdapSecurity } from "../ldap/ldap-directory.js";
import { outcomeOfError, poxAt } from "./pox.js";

/** Directories asked in one lookup (the configured one plus pointers); AD forests need 1–2. */
const MAX_DIRECTORIES = 4;
const ROOT_DSE_FILTER = "(objectClass=*)";

interface Directory {
  url: URL;
  security: LdapSecurity;
}

function directoryKey(directory: Directory): string {
  const port = directory.url.port || (directory.url.protocol === "ldaps:" ? "636" : "389");
  return `${directory.url.hostname.toLowerCase()}:${port}`;
}

/**
 * A pointer names `LDAP://host[:port]`; the session keeps the caller's protection (ldaps, or
 * StartTLS on 389), and a port of 636/389 picks the matching one.
 */
function pointerDirectory(value: string, base: Directory): Directory | undefined {
  const pointer = parseLdapPointer(value);
  if (pointer === undefined) return undefined;
  let security = base.security;
  if (pointer.port === 636) security = "tls";
  else if (pointer.port === 389 && security === "tls") security = "starttls";
  const protocol = security === "tls" ? "ldaps:" : "ldap:";
  const port = pointer.port ?? (security === "tls" ? 636 : 389);
  return { url: new URL(`${protocol}//${pointer.host}:${port}`), security };
}

function toScpEntry(entry: LdapEntry): ScpEntry {
  return {
    dn: entry.dn,
    keywords: entry.attributes.keywords ?? [],
    serviceBindingInformation: entry.attributes.servicebindinginformation ?? [],
  };
}

/**
 * The bind password goes to the configured directory, and to a directory a pointer names only
 * when that host is in the user's domain or the configured directory's DNS domain, or the
 * caller's confirmRedirect approved its ldap(s):// URL.
 */
async function checkDirectory(context: RoundContext, scp: ScpContext, directory: Directory): Promise<void> {
  const host = directory.url.hostname.toLowerCase();
  if (host === scp.url.hostname.toLowerCase()) return;
  if (isWithinDomain(host, context.email.domain)) return;
  const labels = scp.url.hostname.toLowerCase().split(".");
  if (labels.length > 2 && isWithinDomain(host, labels.slice(1).join("."))) return;
  if (scp.confirmRedirect !== undefined && (await scp.confirmRedirect(new URL(directory.url.href))) === true)
    return;
  throw new RedirectRefusedError(`SCP pointer to ${directory.url.host} is outside the trusted domains`, {
    details: { url: directory.url.href, reason: "foreign-host" },
  });
}

async function searchDirectory(
  context: RoundContext,
  scp: ScpContext,
  directory: Directory,
  signal: AbortSignal,
): Promise<LdapEntry[]> {
  const session = await scp.directory.open({
    url: directory.url,
    security: directory.security,
    bindDn: scp.bindDn,
    password: scp.password,
    tls: scp.tls,
    connectTimeoutMs: context.connectTimeoutMs,
    requestTimeoutMs: context.requestTimeoutMs,
    signal,
  });
  try {
    // MS-OXDISCO 2.2.1.2 leaves the base "well-known"; AD publishes Exchange's SCPs under the
    // configuration naming context, which the RootDSE names (the Exchange SCP lookup guide).
    const [root] = await session.search("", {
      scope: "base",
      filter: ROOT_DSE_FILTER,
      attributes: ["configurationNamingContext"],
      sizeLimit: 1,
      signal,
    });
    const base = root?.attributes.configurationnamingcontext?.[0];
    if (base === undefined || base === "")
      throw new ProtocolError(`${directory.url.host} has no configurationNamingContext in its RootDSE`);
    return await session.search(base, {
      scope: "sub",
      filter: SCP_FILTER,
      attributes: SCP_ATTRIBUTES,
      sizeLimit: SCP_LIMITS.maxEntries,
      signal,
    });
  } finally {
    await session.close();
  }
}

/** Walks the configured directory and its pointers until one publishes Autodiscover URLs. */
async function findScpUrls(context: RoundContext, scp: ScpContext, signal: AbortSignal): Promise<string[]> {
  const first: Directory = { url: scp.url, security: scp.security };
  let queue: Directory[] = [first];
  let fallback: Directory[] = [];
  const visited = new Set<string>();
  let lastError: unknown;
  while (queue.length > 0 && visited.size < MAX_DIRECTORIES) {
    const directory = queue.shift() as Directory;
    const key = directoryKey(directory);
    if (visited.has(key)) continue;
    visited.add(key);
    const end = context.trace.begin("scp", directory.url.href, context.email.address);
    try {
      if (directory !== first) await checkDirectory(context, scp, directory);
      const entries = await searchDirectory(context, scp, directory, signal);
      const found = classifyScpEntries(entries.map(toScpEntry), {
        domain: context.email.domain,
        site: scp.site,
      });
      const toDirectories = (values: string[]) =>
        values.map((value) => pointerDirectory(value, directory)).filter((entry) => entry !== undefined);
      if (found.domainPointers.length > 0) {
        // A pointer scoped to the user's domain replaces this directory's answer (guide step 3).
        end("redirectUrl", {
          detail: `SCP pointer for ${context.email.domain}: ${found.domainPointers.join(", ")}`,
        });
        queue = toDirectories(found.domainPointers);
        continue;
      }
      if (found.urls.length > 0) {
        end("redirectUrl", { detail: `${found.urls.length} SCP URL(s): ${found.urls.join(", ")}` });
        return found.urls;
      }
      fallback.push(...toDirectories(found.fallbackPointers));
      throw new ProtocolError(`no Autodiscover SCP in ${directory.url.host} (${entries.length} entries)`);
    } catch (error) {
      end(outcomeOfError(error), { error });
      lastError = error;
    }
    if (queue.length === 0) {
      // Unscoped pointers are asked only after everything else (MS-OXDISCO 3.1.5.1).
      queue = fallback;
      fallback = [];
    }
  }
  throw lastError ?? new ProtocolError("no Autodiscover SCP found");
}

/**
 * Method 1, SCP lookup in Active Directory (MS-OXDISCO 3.1.5.1): bind to the caller's
 * directory, read SCP URLs (site-preferred first), then POST the POX request to them — each
 * through the same credential gate as every other URL, since directory data can be stale or
 * planted. The first URL to answer wins, as in the outer race.
 */
export async function scpLookup(context: RoundContext, signal: AbortSignal): Promise<CandidateOutcome> {
  const scp = context.scp;
  if (scp === undefined) throw new ProtocolError("SCP lookup needs the ldap option");
  const urls = await findScpUrls(context, scp, signal);
  const targets = urls.flatMap((value) => {
    try {
      return [new URL(value)];
    } catch {
      return [];
    }
  });
  const race = await priorityRace(
    targets.map((url) => ({
      run: (candidateSignal: AbortSignal) => poxAt(context, url, "scp", candidateSignal),
    })),
    { signal, graceMs: context.priorityGraceMs, candidateTimeoutMs: context.candidateTimeoutMs },
  );
  if (race.kind === "won") return race.value;
  throw race.errors.find((error) => error !== undefined) ?? new ProtocolError("no SCP URL answered");
}
