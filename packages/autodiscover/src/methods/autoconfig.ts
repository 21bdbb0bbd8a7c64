import { ProtocolError } from "@mailwire/core";
import { parseAutoconfig } from "../codec/autoconfig.js";
import { AutodiscoverLimits } from "../codec/limits.js";
import type { CandidateOutcome, RoundContext } from "../discovery/context.js";
import { readBodyLimited } from "../discovery/read-body.js";
import { unexpectedStatus } from "./http-errors.js";
import { outcomeOfError } from "./pox.js";

/** The two places Thunderbird looks inside the domain, in its order; no ISPDB, no MX guess (that would leave the domain). */
export function autoconfigUrls(domain: string, emailAddress: string): URL[] {
  const query = `?emailaddress=${encodeURIComponent(emailAddress)}`;
  return [
    new URL(`https://autoconfig.${domain}/mail/config-v1.1.xml${query}`),
    new URL(`https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`),
  ];
}

/** Fetches one autoconfig document anonymously and turns it into IMAP/POP3/SMTP settings. */
export async function autoconfigAt(
  context: RoundContext,
  url: URL,
  signal: AbortSignal,
): Promise<CandidateOutcome> {
  const end = context.trace.begin("autoconfig", url.href, context.email.address);
  try {
    const response = await context.anonymous.request({
      method: "GET",
      url,
      signal,
      timeoutMs: context.requestTimeoutMs,
    });
    if (response.statusCode !== 200) throw await unexpectedStatus(response, url);
    const servers = parseAutoconfig(
      await readBodyLimited(response, AutodiscoverLimits.maxBodyBytes),
      context.email.address,
    );
    if (servers.imap.length + servers.pop3.length + servers.smtp.length === 0) {
      throw new ProtocolError("the autoconfig document lists no usable server");
    }
    end("settings", { statusCode: 200 });
    return {
      kind: "settings",
      settings: {
        emailAddress: context.email.address,
        user: servers.displayName === undefined ? {} : { displayName: servers.displayName },
        imap: servers.imap,
        pop3: servers.pop3,
        smtp: servers.smtp,
      },
    };
  } catch (error) {
    end(outcomeOfError(error), { error });
    throw error;
  }
}
