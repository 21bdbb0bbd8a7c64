import { createHttpClient, type HttpClient, type HttpClientOptions } from "@mailwire/core";

/**
 * DNS for tests: an HTTP client factory for `discover()` that sends `https://<host>/...` for the
 * fixture domain's Autodiscover hosts to the sim on loopback, and every other name to port 9
 * (refused at once). Discovery still applies its rules to the logical URL.
 */
export function routedHttp(routes: ReadonlyMap<string, number>, ca: string) {
  return (options: HttpClientOptions): HttpClient => {
    const client = createHttpClient({ ...options, tls: { ...options.tls, ca } });
    const rewrite = (input: string | URL): URL => {
      const url = new URL(input);
      if (url.hostname === "127.0.0.1") return url;
      url.port = String(routes.get(`${url.protocol}//${url.hostname}`) ?? 9);
      url.hostname = "127.0.0.1";
      return url;
    };
    return {
      request: (request) => client.request({ ...request, url: rewrite(request.url) }),
      close: () => client.close(),
      destroy: () => client.destroy(),
      [Symbol.asyncDispose]: () => client.close(),
    };
  };
}
