import { ParseError, RedirectRefusedError } from "@mailwire/core";

/**
 * Resolves a Location header against the URL that sent it and accepts it only if it is
 * https (MS-OXDSCLI 3.1.5.3: a redirect to anything else is not followed).
 */
export function httpsLocation(location: string | undefined, base: URL): URL {
  if (location === undefined || location === "") {
    throw new RedirectRefusedError("a redirect without a Location header", {
      details: { reason: "no-location" },
    });
  }
  let target: URL;
  try {
    target = new URL(location, base);
  } catch (error) {
    throw new RedirectRefusedError("the redirect Location is not a URL", {
      cause: error,
      details: { reason: "bad-location" },
    });
  }
  if (target.protocol !== "https:") {
    throw new RedirectRefusedError(`refusing a redirect to ${target.protocol}// (only https is followed)`, {
      details: { url: target.href, reason: "not-https" },
    });
  }
  return target;
}

/** Parses a URL a server handed us; anything unparsable is the server's ParseError, not a TypeError. */
export function serverUrl(text: string): URL {
  try {
    return new URL(text);
  } catch (error) {
    throw new ParseError(`the server named an invalid URL ${JSON.stringify(text.slice(0, 200))}`, {
      cause: error,
    });
  }
}
