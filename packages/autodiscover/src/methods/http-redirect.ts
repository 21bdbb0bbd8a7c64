import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import { httpsLocation } from "./follow-location.js";
import { headerOf, REDIRECT_STATUSES, unexpectedStatus } from "./http-errors.js";
import { outcomeOfError, poxAt } from "./pox.js";

/**
 * MS-OXDSCLI 3.1.5.3 (HTTP redirect method): an unauthenticated GET of
 * http://autodiscover.<domain>/autodiscover/autodiscover.xml. Only a 3xx to an https URL is
 * taken; the POX request then goes there through the credential gate, so a foreign target
 * needs the caller's approval. Nothing secret is ever sent over the http leg.
 */
export async function httpRedirect(context: RoundContext, signal: AbortSignal): Promise<CandidateOutcome> {
  const url = new URL(`http://autodiscover.${context.email.domain}/autodiscover/autodiscover.xml`);
  const end = context.trace.begin("httpRedirect", url.href, context.email.address);
  let target: URL;
  try {
    const response = await context.anonymous.request({
      method: "GET",
      url,
      signal,
      timeoutMs: context.requestTimeoutMs,
    });
    if (!REDIRECT_STATUSES.has(response.statusCode)) throw await unexpectedStatus(response, url);
    await response.body.dump().catch(() => undefined);
    target = httpsLocation(headerOf(response, "location"), url);
    end("redirectUrl", { statusCode: response.statusCode, detail: `redirect to ${target.href}` });
  } catch (error) {
    end(outcomeOfError(error), { error });
    throw error;
  }
  context.redirects.take(target.href);
  return poxAt(context, target, "httpRedirect", signal);
}
