import { ProtocolError } from "@mailwire/core";
import { AutodiscoverLimits } from "../codec/limits.js";
import { settingsFromSoap } from "../codec/settings-from-soap.js";
import {
  buildGetUserSettingsRequest,
  GET_USER_SETTINGS_ACTION,
  parseGetUserSettingsResponse,
} from "../codec/soap-get-user-settings.js";
import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import { readBodyLimited } from "../discovery/read-body.js";
import { httpsLocation, serverUrl } from "./follow-location.js";
import { headerOf, REDIRECT_STATUSES, unexpectedStatus } from "./http-errors.js";
import { outcomeOfError } from "./pox.js";

export function soapUrl(host: string): URL {
  return new URL(`https://${host}/autodiscover/autodiscover.svc`);
}

/**
 * GetUserSettings for the round's address (MS-OXWSADISC 3.1.4.1). A RedirectAddress user
 * error becomes a redirectAddr outcome; RedirectUrl is followed here, through the gate.
 */
export async function soapAt(
  context: RoundContext,
  start: URL,
  signal: AbortSignal,
): Promise<CandidateOutcome> {
  let url = start;
  for (;;) {
    const end = context.trace.begin("soap", url.href, context.email.address);
    let next: URL;
    try {
      await context.gate.check(url);
      const response = await context.authenticated.request({
        method: "POST",
        url,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: GET_USER_SETTINGS_ACTION },
        body: buildGetUserSettingsRequest({ mailboxes: [context.email.address], to: url.href }),
        signal,
        timeoutMs: context.requestTimeoutMs,
      });
      if (REDIRECT_STATUSES.has(response.statusCode)) {
        await response.body.dump().catch(() => undefined);
        next = httpsLocation(headerOf(response, "location"), url);
        end("redirectUrl", { statusCode: response.statusCode, detail: `HTTP redirect to ${next.href}` });
      } else {
        if (response.statusCode !== 200) throw await unexpectedStatus(response, url);
        const answer = parseGetUserSettingsResponse(
          await readBodyLimited(response, AutodiscoverLimits.maxBodyBytes),
        );
        const user = answer.users[0];
        if (answer.errorCode !== "NoError" || user === undefined) {
          throw new ProtocolError(
            `GetUserSettings failed: ${answer.errorCode} ${answer.errorMessage ?? ""}`.trim(),
            {
              details: { errorCode: answer.errorCode },
            },
          );
        }
        if (user.errorCode === "NoError") {
          end("settings", { statusCode: 200 });
          return {
            kind: "settings",
            settings: settingsFromSoap(context.email.address, user),
            endpoint: { method: "soap", url: url.href },
          };
        }
        if (user.errorCode === "RedirectAddress" && user.redirectTarget !== undefined) {
          end("redirectAddr", { statusCode: 200, detail: `RedirectAddress to ${user.redirectTarget}` });
          return { kind: "redirectAddr", address: user.redirectTarget };
        }
        if (user.errorCode === "RedirectUrl" && user.redirectTarget !== undefined) {
          next = serverUrl(user.redirectTarget);
          end("redirectUrl", { statusCode: 200, detail: `RedirectUrl to ${next.href}` });
        } else {
          throw new ProtocolError(`GetUserSettings: ${user.errorCode} ${user.errorMessage ?? ""}`.trim(), {
            details: { errorCode: user.errorCode },
          });
        }
      }
    } catch (error) {
      end(outcomeOfError(error), { error });
      throw error;
    }
    context.redirects.take(next.href);
    url = next;
  }
}
