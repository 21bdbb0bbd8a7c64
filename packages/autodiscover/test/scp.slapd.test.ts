import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type DiscoverOptions,
  discover,
  type LdapDirectory,
  ldaptsDirectory,
  ScpKeyword,
} from "../src/index.js";
import { startRecorder } from "./helpers/recorder-sim.js";
import { routedClientFactory } from "./helpers/routed-client.js";
import { requireSlapd, type SlapdServer, startSlapd } from "./helpers/slapd.js";

// Method 1 against a real OpenLDAP slapd seeded with Exchange-style SCP objects (see
// test/slapd/ad-scp.schema for why the schema is our own). The POX URLs the SCPs name are
// served by exchange-sim through the routed HTTP client.

const slapd = requireSlapd();
const POX = "/autodiscover/autodiscover.xml";
const SUFFIX = "dc=corp,dc=mailwire,dc=test";
const SERVICES = `CN=Services,CN=Configuration,${SUFFIX}`;

function scpEntry(name: string, keywords: string[], binding: string): string {
  return [
    `dn: CN=${name},${SERVICES}`,
    "objectClass: serviceConnectionPoint",
    `cn: ${name}`,
    ...keywords.map((keyword) => `keywords: ${keyword}`),
    `serviceBindingInformation: ${binding}`,
    "",
  ].join("\n");
}

// One reader account in every directory, as in one AD forest.
const READER_PASSWORD = `reader-${process.pid}-${Date.now()}`;
const services = `dn: ${SERVICES}\nobjectClass: container\ncn: Services\n`;

describe.skipIf(slapd.skip)(
  `SCP lookup against slapd${slapd.skip ? ` [skipped: ${slapd.reason}]` : ""}`,
  () => {
    let sim: ExchangeSim;
    let forest: SlapdServer;
    let child: SlapdServer;
    const routes = new Map<string, number>();
    const cas: string[] = [];
    const cleanups: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      sim = await startSim();
      cas.push(sim.caPem);
      // The forest root directory: URL SCPs for three sites, an unrelated SCP, an http one,
      // one outside the user's domain, and a pointer scoped to another domain (ignored).
      forest = await startSlapd({
        suffix: SUFFIX,
        password: READER_PASSWORD,
        entries: [
          services,
          scpEntry("EX-BRANCH", [ScpKeyword.url, "Site=Branch"], `https://ex-branch.mailwire.test${POX}`),
          scpEntry("EX-ANY", [ScpKeyword.url.toLowerCase()], `https://ex-any.mailwire.test${POX}`),
          scpEntry("EX-HQ", [ScpKeyword.url, "Site=HQ"], `https://ex-hq.mailwire.test${POX}`),
          scpEntry("NOT-EXCHANGE", ["some-other-service"], `https://wrong.mailwire.test${POX}`),
          scpEntry(
            "OTHER-DOMAIN-POINTER",
            [ScpKeyword.pointer, "Domain=other.example"],
            "LDAP://dc9.other.example",
          ),
        ].join("\n"),
      });
      // A second directory that only a Domain= pointer leads to (split DNS via the injected directory).
      child = await startSlapd({
        suffix: SUFFIX,
        password: READER_PASSWORD,
        entries: [
          services,
          scpEntry("EX-CHILD", [ScpKeyword.url], `https://ex-child.mailwire.test${POX}`),
          scpEntry("EVIL", [ScpKeyword.url, "Site=HQ"], `https://autodiscover.evil.example${POX}`),
        ].join("\n"),
      });
    }, 60_000);
    afterAll(async () => {
      await sim?.close();
      await forest?.stop();
      await child?.stop();
    });
    afterEach(async () => {
      routes.clear();
      sim.autodiscover.reset();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    function options(
      ldap: Partial<NonNullable<DiscoverOptions["ldap"]>>,
      extra: Partial<DiscoverOptions> = {},
    ) {
      const { factory } = routedClientFactory(routes, cas);
      for (const host of ["ex-branch", "ex-any", "ex-hq", "ex-child", "wrong"]) {
        routes.set(`https://${host}.mailwire.test`, sim.port);
      }
      return {
        credentials: {
          username: sim.credentials.username,
          password: sim.credentials.password,
          domain: sim.credentials.domain,
        },
        createHttpClient: factory,
        dns: { resolveSrv: async () => [] },
        // Only SCP, so each test shows what SCP alone found.
        methods: {
          pox: false,
          soap: false,
          v2: false,
          httpRedirect: false,
          srv: false,
          autoconfig: false,
          ports: false,
        },
        connectTimeoutMs: 2_000,
        ldap: {
          url: forest.ldapsUrl,
          bindDn: forest.user.dn,
          password: forest.user.password,
          tls: { ca: [forest.caPem, child.caPem] },
          ...ldap,
        },
        ...extra,
      } satisfies DiscoverOptions;
    }

    const address = () => sim.credentials.email;

    it("over ldaps: reads the configuration context from the RootDSE and prefers the client's site", async () => {
      const result = await discover(address(), options({ site: "HQ" }));
      expect(result.source).toEqual({ method: "scp", url: `https://ex-hq.mailwire.test${POX}` });
      expect(result.mapiHttp?.mailStore.externalUrl).toContain("/mapi/emsmdb/");
      const lookup = result.trace.find(
        (attempt) => attempt.method === "scp" && attempt.target.startsWith("ldaps:"),
      );
      expect(lookup).toMatchObject({ outcome: "redirectUrl" });
      // Site first, then no site, then the other site; the non-Exchange SCP and the other domain's pointer are ignored.
      expect(lookup?.detail).toBe(
        `3 SCP URL(s): https://ex-hq.mailwire.test${POX}, https://ex-any.mailwire.test${POX}, https://ex-branch.mailwire.test${POX}`,
      );
    });

    it("without a site the unscoped SCP wins; another site's SCP is used only after it", async () => {
      const result = await discover(address(), options({ site: "Branch" }));
      expect(result.source.url).toBe(`https://ex-branch.mailwire.test${POX}`);
      const unscoped = await discover(address(), options({}));
      expect(unscoped.source.url).toBe(`https://ex-any.mailwire.test${POX}`);
    });

    it("over ldap:// it does StartTLS before the bind (this slapd refuses simple binds without TLS)", async () => {
      const result = await discover(address(), options({ url: forest.ldapUrl, site: "HQ" }));
      expect(result.source).toEqual({ method: "scp", url: `https://ex-hq.mailwire.test${POX}` });
    });

    it("a plaintext bind is refused before connecting unless allowInsecureAuth is set", async () => {
      let opened = 0;
      const spy: LdapDirectory = {
        open: (request) => {
          opened += 1;
          return ldaptsDirectory.open(request);
        },
      };
      await expect(
        discover(address(), options({ url: forest.ldapUrl, startTls: false, directory: spy })),
      ).rejects.toMatchObject({ code: "MW_INSECURE_AUTH_REFUSED" });
      expect(opened).toBe(0);
      // Opted in: the bind goes out in clear — and this slapd (security simple_bind=128) says no.
      const failure = await discover(
        address(),
        options({ url: forest.ldapUrl, startTls: false, allowInsecureAuth: true, directory: spy }),
      ).catch((error: unknown) => error);
      expect(opened).toBe(1);
      const trace = (failure as { details: { trace: Array<{ method: string; outcome: string }> } }).details
        .trace;
      expect(trace).toContainEqual(expect.objectContaining({ method: "scp", outcome: "error" }));
    });

    it("a wrong bind password is traced as MW_AUTH_FAILED and the other methods still answer", async () => {
      routes.set("https://autodiscover.mailwire.test", sim.port);
      const result = await discover(
        address(),
        options(
          { password: "wrong" },
          {
            methods: {
              soap: false,
              v2: false,
              httpRedirect: false,
              srv: false,
              autoconfig: false,
              ports: false,
            },
          },
        ),
      );
      expect(result.source.method).toBe("pox");
      expect(result.trace).toContainEqual(
        expect.objectContaining({ method: "scp", outcome: "error", errorCode: "MW_AUTH_FAILED" }),
      );
      expect(JSON.stringify(result.trace)).not.toContain(forest.user.password);
    });

    it("with every method on, the SCP answer outranks POX on the domain", async () => {
      routes.set("https://mailwire.test", sim.port);
      routes.set("https://autodiscover.mailwire.test", sim.port);
      const result = await discover(
        address(),
        options({ site: "HQ" }, { methods: { autoconfig: false, ports: false }, priorityGraceMs: 5_000 }),
      );
      expect(result.source).toEqual({ method: "scp", url: `https://ex-hq.mailwire.test${POX}` });
    });

    it("a Domain= pointer moves the search to the directory it names; its foreign URL needs confirmRedirect", async () => {
      const stranger = await startRecorder(() => ({ status: 401, headers: { "www-authenticate": "NTLM" } }));
      cas.push(stranger.caPem);
      cleanups.push(stranger.close);
      routes.set("https://autodiscover.evil.example", stranger.port);
      // A directory whose only Exchange answer is a pointer for mailwire.test; the injected
      // directory maps the DC's name to the second slapd, as a split-DNS network would.
      const pointing = await startSlapd({
        suffix: SUFFIX,
        password: READER_PASSWORD,
        entries: [
          services,
          scpEntry(
            "POINTER",
            [ScpKeyword.pointer, "Domain=mailwire.test"],
            "LDAP://dc2.corp.mailwire.test:636",
          ),
          scpEntry("EX-IGNORED", [ScpKeyword.url], `https://wrong.mailwire.test${POX}`),
        ].join("\n"),
      });
      cleanups.push(pointing.stop);
      const childPort = new URL(child.ldapsUrl).port;
      const opened: string[] = [];
      const splitDns: LdapDirectory = {
        open: (request) => {
          opened.push(request.url.href);
          const url =
            request.url.hostname === "dc2.corp.mailwire.test"
              ? new URL(`ldaps://127.0.0.1:${childPort}`)
              : request.url;
          return ldaptsDirectory.open({ ...request, url });
        },
      };
      const ldap = {
        url: pointing.ldapsUrl,
        bindDn: pointing.user.dn,
        password: pointing.user.password,
        tls: { ca: [pointing.caPem, child.caPem] },
        directory: splitDns,
        site: "HQ",
      };
      // EVIL (Site=HQ) ranks first in the child directory but is outside mailwire.test: refused.
      const result = await discover(address(), options(ldap));
      expect(opened).toEqual([pointing.ldapsUrl, "ldaps://dc2.corp.mailwire.test:636"]);
      expect(result.source.url).toBe(`https://ex-child.mailwire.test${POX}`);
      expect(stranger.requests).toEqual([]);
      expect(result.trace).toContainEqual(
        expect.objectContaining({
          method: "scp",
          target: `https://autodiscover.evil.example${POX}`,
          outcome: "refused",
        }),
      );

      // With the caller's approval the foreign URL is asked (and gets the NTLM exchange, not a password).
      const asked: string[] = [];
      await discover(
        address(),
        options(ldap, {
          confirmRedirect: (url) => {
            asked.push(url.href);
            return true;
          },
        }),
      ).catch(() => undefined);
      expect(asked).toContain(`https://autodiscover.evil.example${POX}`);
      expect(stranger.requests.length).toBeGreaterThan(0);
    });
  },
);
