/**
 * The session cookies a MAPI/HTTP server sets (MapiContext, MapiSequence, and any a load
 * balancer adds), sent back on every request of the session (MS-OXCMAPIHTTP 2.2.3.2).
 * Only name=value matters; attributes such as Path are for browsers. A cookie set empty or
 * with Max-Age=0/an Expires in the past is dropped.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Reads every Set-Cookie header of a response. */
  store(setCookie: string | readonly string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const header of typeof setCookie === "string" ? [setCookie] : setCookie) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = "", v = ""] = a.split("=");
        const k = key.trim().toLowerCase();
        if (k === "max-age") return Number(v.trim()) <= 0;
        if (k === "expires") return Date.parse(v.trim()) < Date.now();
        return false;
      });
      if (value === "" || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** The Cookie request header, or undefined when there is nothing to send. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  clear(): void {
    this.#cookies.clear();
  }
}
