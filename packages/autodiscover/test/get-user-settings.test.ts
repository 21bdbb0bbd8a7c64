import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getUserSettings } from "../src/index.js";

// Batched SOAP GetUserSettings (MS-OXWSADISC 3.1.4.1) against exchange-sim over HTTPS + NTLM.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());
beforeEach(() => sim.autodiscover.reset());

const endpoint = () => `${sim.origin}/autodiscover/autodiscover.svc`;
const options = () => ({
  credentials: {
    username: sim.credentials.username,
    password: sim.credentials.password,
    domain: sim.credentials.domain,
  },
  http: { tls: { ca: sim.caPem } },
});

describe("getUserSettings (batched)", () => {
  it("asks for 150 mailboxes in two requests (100 + 50) and returns them in order", async () => {
    const mailboxes = Array.from({ length: 150 }, (_, index) => `user${index}@mailwire.test`);
    const results = await getUserSettings(endpoint(), mailboxes, options());
    expect(results.map((result) => result.emailAddress)).toEqual(mailboxes);
    expect(results.every((result) => result.errorCode === "NoError")).toBe(true);
    expect(results[149]?.settings?.ews?.externalUrl).toBe(`${sim.origin}/EWS/Exchange.asmx`);
    expect(results[0]?.settings?.rpcHttp?.certPrincipalName).toBe("msstd:localhost");
    const asked = sim.autodiscover.requests.filter((request) => request.endpoint === "soap");
    expect(asked.map((request) => request.emailAddress)).toEqual(mailboxes);
  });

  it("per-user errors stay per user; the others still get settings", async () => {
    sim.autodiscover.respondWith({ kind: "redirectAddr", address: "moved@cloud.example" }, { once: true });
    const [first, second] = await getUserSettings(
      endpoint(),
      ["a@mailwire.test", "b@mailwire.test"],
      options(),
    );
    expect(first).toMatchObject({ errorCode: "RedirectAddress", redirectTarget: "moved@cloud.example" });
    expect(first?.settings).toBeUndefined();
    expect(second?.errorCode).toBe("NoError");
  });

  it("never sends credentials to an http:// endpoint, and needs at least one mailbox", async () => {
    await expect(
      getUserSettings(
        "http://mail.mailwire.test/autodiscover/autodiscover.svc",
        ["a@mailwire.test"],
        options(),
      ),
    ).rejects.toMatchObject({ code: "MW_REDIRECT_REFUSED" });
    await expect(getUserSettings(endpoint(), [], options())).rejects.toMatchObject({
      code: "MW_INVALID_ARGUMENT",
    });
  });
});
