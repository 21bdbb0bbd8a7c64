import { isMailwireError, ProtocolError } from "@mailwire/core";
import { AutodiscoverLimits } from "../codec/limits.js";
import { buildPoxRequest, PoxRequestHeaders } from "../codec/pox-request.js";
import { parsePoxResponse } from "../codec/pox-response.js";
import { settingsFromPox } from "../codec/settings-from-pox.js";
import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import { readBodyLimited } from "../discovery/read-body.js";
import type { DiscoveryMethod } from "../discovery/trace.js";
import { httpsLocation, serverUrl } from "./follow-location.js";
import { headerOf, REDIRECT_STATUSES, unexpectedStatus } from "./http-errors.js";

export function poxUrl(host: string): URL {
  return new URL(`https://${host}/autodiscover/autodiscover.xml`);
}

export function outcomeOfError(error: unknown): "refused" | "cancelled" | "error" {
  if (!isMailwireError(error)) return "error";
  if (error.code === "MW_REDIRECT_REFUSED" || error.code === "MW_INSECURE_AUTH_REFUSED") return "refused";
  return error.code === "MW_ABORTED" ? "cancelled" : "error";
}

/**
 * POSTs the POX request (MS-OXDSCLI 3.1.5) to `start` and follows redirectUrl answers and
 * https 3xx redirects, each through the credential gate and the redirect budget.
 * redirectAddr is returned to the caller, which starts a new round for that address.
 */
export async function poxAt(
  context: RoundContext,
  start: URL,
  method: DiscoveryMethod,
  signal: AbortSignal,
): Promise<CandidateOutcome> {
  let url = start;
  for (;;) {
    const end = context.trace.begin(method, url.href, context.email.address);
    let next: URL;
    try {
      await context.gate.check(url);
      const response = await context.authenticated.request({
        method: "POST",
        url,
        headers: PoxRequestHeaders,
        body: buildPoxRequest({ emailAddress: context.email.address }),
        signal,
        timeoutMs: context.requestTimeoutMs,
      });
      if (REDIRECT_STATUSES.has(response.statusCode)) {
        await response.body.dump().catch(() => undefined);
        next = httpsLocation(headerOf(response, "location"), url);
        end("redirectUrl", { statusCode: response.statusCode, detail: `HTTP redirect to ${next.href}` });
      } else {
        if (response.statusCode !== 200) throw await unexpectedStatus(response, url);
        const answer = parsePoxResponse(await readBodyLimited(response, AutodiscoverLimits.maxBodyBytes));
        if (answer.kind === "settings") {
          end("settings", { statusCode: 200 });
          return {
            kind: "settings",
            settings: settingsFromPox(context.email.address, answer),
            endpoint: { method: "pox", url: url.href },
          };
        }
        if (answer.kind === "redirectAddr") {
          end("redirectAddr", { statusCode: 200, detail: `redirectAddr to ${answer.address}` });
          return { kind: "redirectAddr", address: answer.address };
        }
        if (answer.kind === "error") {
          throw new ProtocolError(
            `Autodiscover error ${answer.errorCode}${answer.message ? `: ${answer.message}` : ""}`,
            {
              details: { errorCode: answer.errorCode },
            },
          );
        }
        next = serverUrl(answer.url);
        end("redirectUrl", { statusCode: 200, detail: `redirectUrl to ${next.href}` });
      }
    } catch (error) {
      end(outcomeOfError(error), { error });
      throw error;
    }
    context.redirects.take(next.href);
    url = next;
  }
}
