import { ProtocolError } from "@mailwire/core";
import { autodiscoverV2Path, parseAutodiscoverV2 } from "../codec/autodiscover-v2.js";
import { AutodiscoverLimits } from "../codec/limits.js";
import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import { readBodyLimited } from "../discovery/read-body.js";
import { serverUrl } from "./follow-location.js";
import { unexpectedStatus } from "./http-errors.js";
import { outcomeOfError, poxAt } from "./pox.js";

/**
 * Autodiscover v2: an anonymous GET of `autodiscover.json` on autodiscover.<domain> that
 * names the POX endpoint (Microsoft 365 answers with autodiscover-s.outlook.com). The answer
 * is unauthenticated, so the URL it names is just another redirect: it costs one from the
 * budget and goes through the credential gate like any other.
 */
export async function autodiscoverV2(context: RoundContext, signal: AbortSignal): Promise<CandidateOutcome> {
  const url = new URL(
    `https://autodiscover.${context.email.domain}${autodiscoverV2Path(context.email.address)}`,
  );
  const end = context.trace.begin("v2", url.href, context.email.address);
  let target: URL;
  try {
    const response = await context.anonymous.request({
      method: "GET",
      url,
      signal,
      timeoutMs: context.requestTimeoutMs,
    });
    if (response.statusCode !== 200) throw await unexpectedStatus(response, url);
    const answer = parseAutodiscoverV2(await readBodyLimited(response, AutodiscoverLimits.maxBodyBytes));
    if (answer.kind === "error") {
      throw new ProtocolError(`Autodiscover v2: ${answer.errorCode}`, {
        details: { errorCode: answer.errorCode },
      });
    }
    target = serverUrl(answer.url);
    end("redirectUrl", { statusCode: 200, detail: `v2 names ${target.href}` });
  } catch (error) {
    end(outcomeOfError(error), { error });
    throw error;
  }
  context.redirects.take(target.href);
  return poxAt(context, target, "v2", signal);
}
