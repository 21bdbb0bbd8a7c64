import { InvalidArgumentError } from "../errors/error-classes.js";

/** Distinct URLs remembered per client; an Exchange client talks to a handful of endpoints. */
const MAX_ENTRIES = 256;

function parseUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new InvalidArgumentError("request url is not a valid absolute URL", { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`unsupported URL scheme ${url.protocol}`);
  }
  // Credentials in a URL would travel in logs and Referer-like places; we have our own.
  if (url.username !== "" || url.password !== "") {
    url.username = "";
    url.password = "";
  }
  return url;
}

/**
 * Parses request URLs, remembering the result per input text. A protocol client sends
 * most requests to one URL (the EWS or MAPI endpoint); parsing it again each time, and
 * deriving a fresh origin string that every pool lookup must hash again, showed up in
 * profiles as several percent of a keep-alive request. The URL objects are shared between
 * requests, so nothing below the client may change one (OutgoingRequest says so).
 */
export class ParsedUrls {
  readonly #byText = new Map<string, URL>();

  get(input: string | URL): URL {
    // A caller's URL object is read once, as text: later changes to it cannot reach us.
    const text = typeof input === "string" ? input : input.href;
    let url = this.#byText.get(text);
    if (url === undefined) {
      url = parseUrl(text);
      if (this.#byText.size >= MAX_ENTRIES) this.#byText.clear();
      this.#byText.set(text, url);
    }
    return url;
  }
}
