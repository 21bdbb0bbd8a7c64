import { promises as dnsPromises } from "node:dns";
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from "@mailwire/core";

/**
 * A split-DNS HTTP client factory: each request's host is looked up (A) on `dnsServer` and the
 * connection goes to that address, while discovery keeps seeing — and checking — the name. It
 * stands in for a dispatcher with a custom lookup, which core's HTTP options do not offer.
 */
export function dnsRoutedClientFactory(dnsServer: string, ca: string[]) {
  const resolver = new dnsPromises.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([dnsServer]);
  return (options: HttpClientOptions): HttpClient => {
    const client = createHttpClient({ ...options, tls: { ...options.tls, ca } });
    const route = async (input: HttpRequest["url"]): Promise<URL> => {
      const url = new URL(input);
      const [address] = await resolver.resolve4(url.hostname);
      if (address === undefined) throw new Error(`no A record for ${url.hostname}`);
      url.hostname = address;
      return url;
    };
    return {
      request: async (request) => client.request({ ...request, url: await route(request.url) }),
      close: () => client.close(),
      destroy: () => client.destroy(),
      [Symbol.asyncDispose]: () => client.close(),
    };
  };
}
