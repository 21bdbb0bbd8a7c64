import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { proxyFromEnvironment as nodeEngineProxy } from "../../src/http/connection/node/proxy-env.js";

// The node:http engine's reading of the proxy variables. It must decide as undici's
// EnvHttpProxyAgent (undici 7, lib/dispatcher/env-http-proxy-agent.js) does for the other
// engine, so every case here is also put to undici itself, which must agree.

const require = createRequire(import.meta.url);
const EnvHttpProxyAgent = require("undici/lib/dispatcher/env-http-proxy-agent.js");
const symbols = require("undici/lib/core/symbols.js");

/**
 * The proxy URL undici's EnvHttpProxyAgent picks for `protocol//host:port` in the current
 * environment (undefined: direct). Its choice is private, so the three agents it chooses
 * between are stubbed and the one that is handed the request tells.
 */
function undiciProxy(protocol: string, host: string, port: number): string | undefined {
  const agent = new EnvHttpProxyAgent();
  let chosen: unknown;
  for (const key of [symbols.kNoProxyAgent, symbols.kHttpProxyAgent, symbols.kHttpsProxyAgent]) {
    agent[key].dispatch = function (this: unknown) {
      chosen = this;
      return true;
    };
  }
  agent[symbols.kDispatch](
    { origin: `${protocol}//${host}${port ? `:${port}` : ""}`, path: "/", method: "GET" },
    {},
  );
  void agent.destroy();
  return chosen === agent[symbols.kNoProxyAgent]
    ? undefined
    : (chosen as Record<symbol, { uri: string }>)[symbols.kProxy]?.uri;
}

/** The node engine's choice, checked against undici's for the same URL. */
function proxyFromEnvironment(protocol: string, host: string, port: number): string | undefined {
  const ours = nodeEngineProxy(protocol, host, port);
  const url = new URL(`${protocol}//${host}${port ? `:${port}` : ""}`);
  const undici = undiciProxy(protocol, url.hostname, Number(url.port));
  expect(ours === undefined ? undefined : new URL(ours).href, `undici for ${url.href}`).toBe(undici);
  return ours;
}

const VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
const HTTP_PROXY = "http://proxy.test:3128";
const HTTPS_PROXY = "http://secure-proxy.test:3129";

describe("proxyFromEnvironment", () => {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of VARIABLES) delete process.env[name];
  });
  afterEach(() => {
    for (const name of VARIABLES) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** The proxy for http://host:port and https://host:port with NO_PROXY set to `noProxy`. */
  const withNoProxy = (noProxy: string, host: string, port = 0) => {
    process.env.HTTP_PROXY = HTTP_PROXY;
    process.env.NO_PROXY = noProxy;
    return proxyFromEnvironment("http:", host, port);
  };

  describe("which variable", () => {
    it("no variables: direct", () => {
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBeUndefined();
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBeUndefined();
    });

    it("http uses HTTP_PROXY, and http_proxy wins over it", () => {
      process.env.HTTP_PROXY = HTTP_PROXY;
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBe(HTTP_PROXY);
      process.env.http_proxy = "http://lower.test:8080";
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBe("http://lower.test:8080");
    });

    it("https uses HTTPS_PROXY, and https_proxy wins over it", () => {
      process.env.HTTPS_PROXY = HTTPS_PROXY;
      process.env.HTTP_PROXY = HTTP_PROXY;
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBe(HTTPS_PROXY);
      process.env.https_proxy = "http://lower.test:8443";
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBe("http://lower.test:8443");
    });

    it("http never uses the https proxy", () => {
      process.env.HTTPS_PROXY = HTTPS_PROXY;
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBeUndefined();
    });

    it("https falls back to the http proxy (lower-case first) when no https proxy is set", () => {
      process.env.HTTP_PROXY = HTTP_PROXY;
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBe(HTTP_PROXY);
      process.env.http_proxy = "http://lower.test:8080";
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBe("http://lower.test:8080");
    });

    it("an empty https proxy falls back to the http proxy too (undici tests it for truth, not presence)", () => {
      process.env.HTTP_PROXY = HTTP_PROXY;
      process.env.https_proxy = "";
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBe(HTTP_PROXY);
    });

    it("an empty lower-case http_proxy hides HTTP_PROXY: direct", () => {
      process.env.HTTP_PROXY = HTTP_PROXY;
      process.env.http_proxy = "";
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBeUndefined();
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBeUndefined();
    });
  });

  describe("NO_PROXY", () => {
    it("empty or unset: everything goes through the proxy", () => {
      process.env.HTTP_PROXY = HTTP_PROXY;
      expect(proxyFromEnvironment("http:", "mail.example.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("", "mail.example.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy(" , ,", "mail.example.com", 80)).toBe(HTTP_PROXY);
    });

    it("no_proxy wins over NO_PROXY", () => {
      process.env.no_proxy = "other.example.com";
      expect(withNoProxy("mail.example.com", "mail.example.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("mail.example.com", "other.example.com", 80)).toBeUndefined();
    });

    it('"*" alone disables the proxy for every host', () => {
      expect(withNoProxy("*", "mail.example.com", 80)).toBeUndefined();
      expect(withNoProxy("*", "127.0.0.1", 8080)).toBeUndefined();
      process.env.HTTPS_PROXY = HTTPS_PROXY;
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBeUndefined();
    });

    it("an exact host, case-insensitively on both sides", () => {
      expect(withNoProxy("mail.example.com", "mail.example.com", 80)).toBeUndefined();
      expect(withNoProxy("MAIL.Example.COM", "mail.example.com", 80)).toBeUndefined();
      expect(withNoProxy("mail.example.com", "Mail.EXAMPLE.com", 80)).toBeUndefined();
      expect(withNoProxy("mail.example.com", "smtp.example.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("127.0.0.1", "127.0.0.1", 8080)).toBeUndefined();
      expect(withNoProxy("127.0.0.1", "127.0.0.2", 8080)).toBe(HTTP_PROXY);
    });

    it("a host entry covers the names below it, never a name that merely ends in the same letters", () => {
      expect(withNoProxy("example.com", "mail.example.com", 80)).toBeUndefined();
      expect(withNoProxy("example.com", "a.b.example.com", 80)).toBeUndefined();
      expect(withNoProxy("example.com", "badexample.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("example.com", "example.com.evil.test", 80)).toBe(HTTP_PROXY);
    });

    it('".example.com" and "*.example.com": the domain and every name below it', () => {
      for (const entry of [".example.com", "*.example.com"]) {
        expect(withNoProxy(entry, "mail.example.com", 80)).toBeUndefined();
        expect(withNoProxy(entry, "a.b.example.com", 80)).toBeUndefined();
        expect(withNoProxy(entry, "example.com", 80)).toBeUndefined();
        expect(withNoProxy(entry, "badexample.com", 80)).toBe(HTTP_PROXY);
        expect(withNoProxy(entry, "example.org", 80)).toBe(HTTP_PROXY);
      }
    });

    it("host:port entries match that port only", () => {
      expect(withNoProxy("mail.example.com:8080", "mail.example.com", 8080)).toBeUndefined();
      expect(withNoProxy("mail.example.com:8080", "mail.example.com", 8081)).toBe(HTTP_PROXY);
      expect(withNoProxy(".example.com:8080", "mail.example.com", 8080)).toBeUndefined();
      expect(withNoProxy(".example.com:8080", "mail.example.com", 80)).toBe(HTTP_PROXY);
    });

    it("an entry without a port matches every port", () => {
      expect(withNoProxy("mail.example.com", "mail.example.com", 8080)).toBeUndefined();
      expect(withNoProxy("mail.example.com", "mail.example.com", 443)).toBeUndefined();
    });

    it("the default port counts when the URL has none (80 for http, 443 for https)", () => {
      expect(withNoProxy("mail.example.com:80", "mail.example.com", 0)).toBeUndefined();
      expect(withNoProxy("mail.example.com:443", "mail.example.com", 0)).toBe(HTTP_PROXY);
      process.env.HTTPS_PROXY = HTTPS_PROXY;
      process.env.NO_PROXY = "mail.example.com:443";
      expect(proxyFromEnvironment("https:", "mail.example.com", 0)).toBeUndefined();
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBeUndefined();
      expect(proxyFromEnvironment("https:", "mail.example.com", 8443)).toBe(HTTPS_PROXY);
    });

    it("entries are separated by commas and/or whitespace", () => {
      const list = " alpha.test,beta.test  gamma.test\tdelta.test,\n epsilon.test ";
      for (const host of ["alpha.test", "beta.test", "gamma.test", "delta.test", "epsilon.test"]) {
        expect(withNoProxy(list, host, 80)).toBeUndefined();
      }
      expect(withNoProxy(list, "zeta.test", 80)).toBe(HTTP_PROXY);
    });

    it('"*" among other entries is no wildcard', () => {
      expect(withNoProxy("*,alpha.test", "mail.example.com", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("*,alpha.test", "alpha.test", 80)).toBeUndefined();
    });

    it("an IPv6 literal is matched with its brackets, as the URL's host spells it", () => {
      expect(withNoProxy("[::1]", "[::1]", 80)).toBeUndefined();
      expect(withNoProxy("[::1]:8080", "[::1]", 8080)).toBeUndefined();
      expect(withNoProxy("[::1]:8080", "[::1]", 8081)).toBe(HTTP_PROXY);
    });

    it("a changed NO_PROXY takes effect on the next connection", () => {
      expect(withNoProxy("alpha.test", "alpha.test", 80)).toBeUndefined();
      expect(withNoProxy("beta.test", "alpha.test", 80)).toBe(HTTP_PROXY);
      expect(withNoProxy("alpha.test", "alpha.test", 80)).toBeUndefined();
    });

    it("NO_PROXY applies to the https proxy as well", () => {
      process.env.HTTPS_PROXY = HTTPS_PROXY;
      process.env.NO_PROXY = ".example.com";
      expect(proxyFromEnvironment("https:", "mail.example.com", 443)).toBeUndefined();
      expect(proxyFromEnvironment("https:", "mail.example.org", 443)).toBe(HTTPS_PROXY);
    });
  });
});
