import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from "@mailwire/core";

/**
 * Stands in for DNS in tests: a core HttpClient factory that sends `https://host/...` to
 * `127.0.0.1:<port>` from `routes` (keyed "https://host" or "http://host"). Unrouted names
 * go to port 9 on loopback, where nothing listens (connection refused at once). The
 * discovery code still sees — and applies its safety rules to — the logical URL.
 */
export function routedClientFactory(routes: Map<string, number>, ca: string[]) {
  const made: Array<{ options: HttpClientOptions }> = [];
  const factory = (options: HttpClientOptions): HttpClient => {
    made.push({ options });
    const client = createHttpClient({ ...options, tls: { ...options.tls, ca } });
    const rewrite = (input: HttpRequest["url"]): URL => {
      const url = new URL(input);
      if (url.hostname === "127.0.0.1") return url;
      const port = routes.get(`${url.protocol}//${url.hostname}`) ?? 9;
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url;
    };
    return {
      request: (request) => client.request({ ...request, url: rewrite(request.url) }),
      close: () => client.close(),
      destroy: () => client.destroy(),
      [Symbol.asyncDispose]: () => client.close(),
    };
  };
  return { factory, made };
}
