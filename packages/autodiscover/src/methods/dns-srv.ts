import { ProtocolError, raceAbort } from "@mailwire/core";
import type { CandidateOutcome, RoundContext, SrvRecord } from "../discovery/context.js";
import { dnsError } from "../net/dns-resolver.js";
import { outcomeOfError, poxAt } from "./pox.js";

/** RFC 2782 order: lowest priority first, then highest weight (deterministic, no random pick). */
function ordered(records: readonly SrvRecord[]): SrvRecord[] {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

/**
 * MS-OXDSCLI 3.1.5.2 (DNS SRV method): `_autodiscover._tcp.<domain>` names the host and port
 * of the Autodiscover service. The record is unauthenticated DNS data, so a target outside
 * the user's domain goes through the credential gate (the spec also asks clients to confirm
 * it with the user).
 */
export async function dnsSrv(context: RoundContext, signal: AbortSignal): Promise<CandidateOutcome> {
  const name = `_autodiscover._tcp.${context.email.domain}`;
  const end = context.trace.begin("srv", name, context.email.address);
  let record: SrvRecord;
  try {
    let records: SrvRecord[];
    try {
      records = await raceAbort(context.dns.resolveSrv(name, { signal }), signal);
    } catch (error) {
      throw dnsError(error, name);
    }
    const first = ordered(records).find((entry) => entry.name !== "" && entry.name !== ".");
    if (first === undefined) throw new ProtocolError(`no usable SRV record for ${name}`);
    record = first;
    end("redirectUrl", { detail: `SRV names ${record.name}:${record.port}` });
  } catch (error) {
    end(outcomeOfError(error), { error });
    throw error;
  }
  const host = record.name.replace(/\.$/, "");
  const url = new URL(
    `https://${host}${record.port === 443 ? "" : `:${record.port}`}/autodiscover/autodiscover.xml`,
  );
  context.redirects.take(url.href);
  return poxAt(context, url, "srv", signal);
}
