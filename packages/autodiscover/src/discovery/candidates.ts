import { autoconfigAt, autoconfigUrls } from "../methods/autoconfig.js";
import { autodiscoverV2 } from "../methods/autodiscover-v2.js";
import { dnsSrv } from "../methods/dns-srv.js";
import { httpRedirect } from "../methods/http-redirect.js";
import { poxAt, poxUrl } from "../methods/pox.js";
import { scpLookup } from "../methods/scp.js";
import { soapAt, soapUrl } from "../methods/soap.js";
import { wellKnownPorts } from "../methods/well-known-ports.js";
import type { Candidate } from "./context.js";
import type { EmailAddress } from "./email-address.js";
import type { DiscoveryMethod } from "./trace.js";

export interface CandidateTiers {
  /** Exchange Autodiscover, best first (MS-OXDSCLI 3.1.5: SCP, domain, autodiscover.<domain>, then redirect and SRV). */
  exchange: Candidate[];
  /** IMAP/POP3/SMTP only; considered when every Exchange candidate failed. */
  fallback: Candidate[];
}

/**
 * The candidates for one address. Every host is the address's domain or a name directly
 * below it (autodiscover., autoconfig., imap., ...): nothing is ever derived above it.
 */
export function candidatesFor(
  email: EmailAddress,
  enabled: (method: DiscoveryMethod) => boolean,
): CandidateTiers {
  const { domain } = email;
  const exchange: Candidate[] = [];
  const fallback: Candidate[] = [];
  // SCP URLs come first: administrators publish them to steer domain-joined clients to the
  // nearest server (Exchange "Generate a list of Autodiscover endpoints").
  if (enabled("scp")) exchange.push({ method: "scp", run: scpLookup });
  if (enabled("pox")) {
    for (const host of [domain, `autodiscover.${domain}`]) {
      exchange.push({
        method: "pox",
        run: (context, signal) => poxAt(context, poxUrl(host), "pox", signal),
        reportsConnect: true,
      });
    }
  }
  if (enabled("soap")) {
    for (const host of [domain, `autodiscover.${domain}`]) {
      exchange.push({
        method: "soap",
        run: (context, signal) => soapAt(context, soapUrl(host), signal),
        reportsConnect: true,
      });
    }
  }
  // SCP (LDAP) and the port probe do not report their connects: they always get the grace.
  if (enabled("v2")) exchange.push({ method: "v2", run: autodiscoverV2, reportsConnect: true });
  if (enabled("httpRedirect"))
    exchange.push({ method: "httpRedirect", run: httpRedirect, reportsConnect: true });
  // Its DNS query is no connect: until its POX request connects, it counts as not reached.
  if (enabled("srv")) exchange.push({ method: "srv", run: dnsSrv, reportsConnect: true });
  if (enabled("autoconfig")) {
    for (const url of autoconfigUrls(domain, email.address)) {
      fallback.push({
        method: "autoconfig",
        run: (context, signal) => autoconfigAt(context, url, signal),
        reportsConnect: true,
      });
    }
  }
  if (enabled("ports")) fallback.push({ method: "ports", run: wellKnownPorts });
  return { exchange, fallback };
}
