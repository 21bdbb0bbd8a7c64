import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyScpEntries,
  type DiscoverOptions,
  discover,
  type LdapDirectory,
  type LdapEntry,
  parseLdapPointer,
  SCP_FILTER,
  SCP_LIMITS,
  ScpKeyword,
} from "../src/index.js";

// The SCP codec (pure decisions on search results) and the lookup's walk over directories,
// with a scripted LdapDirectory. The real-LDAP path is in scp.slapd.test.ts.

const url = (name: string) => `https://${name}/autodiscover/autodiscover.xml`;

describe("SCP codec", () => {
  it("searches for either Exchange keyword GUID (MS-OXDISCO 2.2.1.2, Exchange SCP lookup guide)", () => {
    expect(SCP_FILTER).toBe(
      "(&(objectClass=serviceConnectionPoint)(|(keywords=67661d7F-8FC4-4fa7-BFAC-E1D7794C1F68)(keywords=77378F46-2C66-4aa9-A6A6-3E7A48B19596)))",
    );
  });

  it("orders URL SCPs: client's site, then no site, then other sites; keywords are case-insensitive", () => {
    const result = classifyScpEntries(
      [
        {
          dn: "a",
          keywords: [ScpKeyword.url, "Site=Remote"],
          serviceBindingInformation: [url("remote.contoso.com")],
        },
        {
          dn: "b",
          keywords: [ScpKeyword.url.toLowerCase()],
          serviceBindingInformation: [url("any.contoso.com")],
        },
        {
          dn: "c",
          keywords: [ScpKeyword.url.toUpperCase(), "SITE=hq"],
          serviceBindingInformation: [url("hq.contoso.com")],
        },
        { dn: "d", keywords: [ScpKeyword.url], serviceBindingInformation: [url("any.contoso.com")] },
        { dn: "e", keywords: ["unrelated"], serviceBindingInformation: [url("x.contoso.com")] },
        { dn: "f", keywords: [ScpKeyword.url], serviceBindingInformation: ["LDAP://not-a-url-scp"] },
      ],
      { domain: "contoso.com", site: "HQ" },
    );
    expect(result.urls).toEqual([url("hq.contoso.com"), url("any.contoso.com"), url("remote.contoso.com")]);
    expect(result.domainPointers).toEqual([]);
  });

  it("sorts pointers: Domain=<user's domain> to follow, unscoped as fallback, other domains dropped", () => {
    const result = classifyScpEntries(
      [
        {
          dn: "a",
          keywords: [ScpKeyword.pointer, "Domain=Contoso.com"],
          serviceBindingInformation: ["LDAP://dc1.contoso.com"],
        },
        {
          dn: "b",
          keywords: [ScpKeyword.pointer],
          serviceBindingInformation: ["LDAP://gc.corp.contoso.com:3268"],
        },
        {
          dn: "c",
          keywords: [ScpKeyword.pointer, "Domain=fabrikam.com"],
          serviceBindingInformation: ["LDAP://dc.fabrikam.com"],
        },
      ],
      { domain: "contoso.com" },
    );
    expect(result).toEqual({
      domainPointers: ["LDAP://dc1.contoso.com"],
      fallbackPointers: ["LDAP://gc.corp.contoso.com:3268"],
      urls: [],
    });
  });

  it("parses LDAP://host[:port] pointers and rejects anything else", () => {
    expect(parseLdapPointer("LDAP://DC1.contoso.com")).toEqual({ host: "dc1.contoso.com", port: undefined });
    expect(parseLdapPointer("ldap://dc1.contoso.com:3268/")).toEqual({ host: "dc1.contoso.com", port: 3268 });
    expect(parseLdapPointer("ldap://dc1.contoso.com:0")).toBeUndefined();
    expect(parseLdapPointer("ldap://dc1.contoso.com:70000")).toBeUndefined();
    expect(parseLdapPointer("ldap://user@dc1/dc=x")).toBeUndefined();
    expect(parseLdapPointer("https://dc1.contoso.com")).toBeUndefined();
  });

  it("property: any directory data classifies without throwing, within the bounds", () => {
    const entry = fc.record({
      dn: fc.string({ maxLength: 20 }),
      keywords: fc.array(
        fc.oneof(
          fc.constantFrom(ScpKeyword.url, ScpKeyword.pointer, "Site=a", "Domain=contoso.com"),
          fc.string(),
        ),
        { maxLength: 5 },
      ),
      serviceBindingInformation: fc.array(
        fc.oneof(fc.webUrl(), fc.constantFrom("LDAP://dc1.contoso.com", "ldap://x:1"), fc.string()),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 60 }),
        fc.option(fc.string({ maxLength: 8 })),
        (entries, site) => {
          const result = classifyScpEntries(entries, { domain: "contoso.com", site: site ?? undefined });
          expect(result.urls.length).toBeLessThanOrEqual(SCP_LIMITS.maxUrls);
          expect(new Set(result.urls).size).toBe(result.urls.length);
          for (const value of result.urls) expect(value).toMatch(/^https?:\/\//i);
        },
      ),
    );
  });
});

/** A scripted directory: `data[host]` is what a search below the configuration context returns. */
function scripted(data: Record<string, LdapEntry[] | Error>, opened: string[]): LdapDirectory {
  return {
    async open(request) {
      opened.push(`${request.security} ${request.url.href}`);
      const answer = data[request.url.hostname];
      if (answer instanceof Error) throw answer;
      return {
        async search(base, options) {
          if (options.scope === "base")
            return [
              { dn: "", attributes: { configurationnamingcontext: ["CN=Configuration,DC=contoso,DC=com"] } },
            ];
          expect(base).toBe("CN=Configuration,DC=contoso,DC=com");
          return answer ?? [];
        },
        async close() {},
      };
    },
  };
}

const scp = (keywords: string[], binding: string): LdapEntry => ({
  dn: "CN=x",
  attributes: { keywords, servicebindinginformation: [binding] },
});

function options(directory: LdapDirectory, extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return {
    credentials: { username: "alice@contoso.com", password: "secret" },
    ldap: { url: "ldaps://dc1.corp.contoso.com", directory },
    methods: {
      pox: false,
      soap: false,
      v2: false,
      httpRedirect: false,
      srv: false,
      autoconfig: false,
      ports: false,
    },
    // Nothing listens for the URLs: the HTTP leg fails at once; the trace tells the LDAP story.
    createHttpClient: () => ({
      request: async () =>
        Promise.reject(Object.assign(new Error("no network in this test"), { code: "MW_CONNECTION" })),
      close: async () => {},
      destroy: async () => {},
      [Symbol.asyncDispose]: async () => {},
    }),
    ...extra,
  };
}

async function traceOf(promise: Promise<unknown>) {
  const failure = await promise.catch((error: unknown) => error);
  return (
    failure as {
      details: { trace: Array<{ method: string; target: string; outcome: string; errorCode?: string }> };
    }
  ).details.trace;
}

describe("SCP lookup walk", () => {
  it("asks unscoped pointers only after the directory had no URL SCP, keeping ldaps", async () => {
    const opened: string[] = [];
    const directory = scripted(
      {
        "dc1.corp.contoso.com": [scp([ScpKeyword.pointer], "LDAP://gc.corp.contoso.com")],
        "gc.corp.contoso.com": [scp([ScpKeyword.url], url("mail.contoso.com"))],
      },
      opened,
    );
    const trace = await traceOf(discover("alice@contoso.com", options(directory)));
    expect(opened).toEqual(["tls ldaps://dc1.corp.contoso.com", "tls ldaps://gc.corp.contoso.com:636"]);
    expect(trace.map((attempt) => [attempt.method, attempt.target, attempt.outcome])).toEqual([
      ["scp", "ldaps://dc1.corp.contoso.com", "error"],
      ["scp", "ldaps://gc.corp.contoso.com:636", "redirectUrl"],
      ["scp", url("mail.contoso.com"), "error"],
    ]);
  });

  it("a pointer to a directory outside the trusted domains gets no bind unless confirmRedirect approves", async () => {
    const opened: string[] = [];
    const directory = scripted(
      {
        "dc1.corp.contoso.com": [
          scp([ScpKeyword.pointer, "Domain=contoso.com"], "LDAP://dc.evil.example:389"),
        ],
        "dc.evil.example": [scp([ScpKeyword.url], url("mail.contoso.com"))],
      },
      opened,
    );
    const trace = await traceOf(discover("alice@contoso.com", options(directory)));
    expect(opened).toEqual(["tls ldaps://dc1.corp.contoso.com"]);
    expect(trace).toContainEqual(
      expect.objectContaining({
        target: "ldap://dc.evil.example:389",
        outcome: "refused",
        errorCode: "MW_REDIRECT_REFUSED",
      }),
    );

    opened.length = 0;
    const asked: string[] = [];
    await discover(
      "alice@contoso.com",
      options(directory, {
        confirmRedirect: (target) => {
          asked.push(target.href);
          return true;
        },
      }),
    ).catch(() => undefined);
    // Port 389 named by the pointer: StartTLS there, never a plaintext bind.
    expect(opened).toEqual(["tls ldaps://dc1.corp.contoso.com", "starttls ldap://dc.evil.example:389"]);
    expect(asked).toEqual(["ldap://dc.evil.example:389"]);
  });

  it("pointer loops stop: a directory is asked once", async () => {
    const opened: string[] = [];
    const directory = scripted(
      {
        "dc1.corp.contoso.com": [
          scp([ScpKeyword.pointer, "Domain=contoso.com"], "LDAP://dc2.corp.contoso.com:636"),
        ],
        "dc2.corp.contoso.com": [
          scp([ScpKeyword.pointer, "Domain=contoso.com"], "LDAP://dc1.corp.contoso.com:636"),
        ],
      },
      opened,
    );
    await discover("alice@contoso.com", options(directory)).catch(() => undefined);
    expect(opened).toEqual(["tls ldaps://dc1.corp.contoso.com", "tls ldaps://dc2.corp.contoso.com:636"]);
  });

  it("without ldap the method is skipped; a bad ldap option fails before any I/O", async () => {
    await expect(
      discover("alice@contoso.com", { ...options(scripted({}, [])), ldap: { url: "https://dc1" } }),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
    await expect(
      discover("alice@contoso.com", { ...options(scripted({}, [])), credentials: undefined }),
    ).rejects.toMatchObject({ code: "MW_INVALID_ARGUMENT" });
  });
});
