import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/start-sim.js";
import { basic, challengesOf, simRequest, singleConnectionAgent } from "./helpers/https-request.js";

describe("Basic and Bearer authentication", () => {
  let sim: ExchangeSim;
  let clock = Date.now();
  const agent = () => singleConnectionAgent(sim.caPem);
  const whoami = (headers: Record<string, string>) =>
    simRequest(`${sim.url}mailwire/whoami`, { agent: agent(), headers });

  beforeAll(async () => {
    sim = await startSim({ fixture: { messageCount: 30, largeMessageBytes: 0 }, now: () => clock });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.configureAuth({ schemes: ["ntlm", "basic", "bearer"] });
    sim.resetStats();
  });

  it("challenges with every enabled scheme when no credentials are sent", async () => {
    const response = await whoami({});
    expect(response.status).toBe(401);
    expect(challengesOf(response)).toEqual([
      "NTLM",
      'Basic realm="mailwire-sim"',
      'Bearer realm="mailwire-sim"',
    ]);
  });

  it.each([
    ["SAM name", (c: ExchangeSim["credentials"]) => c.username],
    ["DOMAIN\\user", (c: ExchangeSim["credentials"]) => `${c.domain}\\${c.username}`],
    ["UPN", (c: ExchangeSim["credentials"]) => c.email],
  ])("accepts Basic with the %s form", async (_form, userId) => {
    const response = await whoami({
      Authorization: basic(userId(sim.credentials), sim.credentials.password),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).user).toEqual({
      username: sim.credentials.username,
      domain: sim.credentials.domain,
      email: sim.credentials.email,
      scheme: "basic",
    });
  });

  it("rejects Basic with a wrong password or another user, and Basic is not connection-bound", async () => {
    expect((await whoami({ Authorization: basic(sim.credentials.username, "wrong") })).status).toBe(401);
    expect((await whoami({ Authorization: basic("someone", sim.credentials.password) })).status).toBe(401);
    const shared = agent();
    const url = `${sim.url}mailwire/whoami`;
    expect(
      (
        await simRequest(url, {
          agent: shared,
          headers: { Authorization: basic(sim.credentials.username, sim.credentials.password) },
        })
      ).status,
    ).toBe(200);
    expect((await simRequest(url, { agent: shared })).status).toBe(401);
    shared.destroy();
  });

  it("accepts an issued Bearer token until it expires, then answers invalid_token", async () => {
    const { accessToken, expiresAt } = sim.issueToken({ expiresInMs: 60_000 });
    expect(expiresAt.getTime()).toBe(clock + 60_000);
    const ok = await whoami({ Authorization: `Bearer ${accessToken}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).user.scheme).toBe("bearer");
    clock += 61_000;
    const expired = await whoami({ Authorization: `Bearer ${accessToken}` });
    expect(expired.status).toBe(401);
    expect(challengesOf(expired)).toContain(
      'Bearer realm="mailwire-sim", error="invalid_token", error_description="The access token expired"',
    );
    const unknown = await whoami({ Authorization: "Bearer not-a-token" });
    expect(challengesOf(unknown).find((c) => c.startsWith("Bearer"))).toContain('error="invalid_token"');
    const revoked = sim.issueToken();
    sim.revokeToken(revoked.accessToken);
    expect((await whoami({ Authorization: `Bearer ${revoked.accessToken}` })).status).toBe(401);
  });

  it("only offers and accepts the configured schemes", async () => {
    sim.configureAuth({ schemes: ["bearer"] });
    const basicTry = await whoami({
      Authorization: basic(sim.credentials.username, sim.credentials.password),
    });
    expect(basicTry.status).toBe(401);
    expect(challengesOf(basicTry)).toEqual(['Bearer realm="mailwire-sim"']);
  });

  it("serves /mailwire/folders from the store and registered routes run after auth", async () => {
    const auth = { Authorization: basic(sim.credentials.username, sim.credentials.password) };
    const response = await simRequest(`${sim.url}mailwire/folders`, { agent: agent(), headers: auth });
    const { folders } = JSON.parse(response.body) as { folders: { path: string[]; messageCount: number }[] };
    expect(folders.map((f) => f.path.join("/"))).toContain("Inbox/Projects/Alpha");
    expect(folders.reduce((sum, f) => sum + f.messageCount, 0)).toBe(30);

    sim.route("POST", "/EWS/Exchange.asmx", async ({ body, user, res }) => {
      res.end(`${user?.scheme}:${(await body()).length}`);
    });
    const posted = await simRequest(`${sim.url}ews/exchange.asmx`, {
      agent: agent(),
      method: "POST",
      headers: auth,
      body: "hello",
    });
    expect(posted).toMatchObject({ status: 200, body: "basic:5" });
    expect(
      (await simRequest(`${sim.url}ews/exchange.asmx`, { agent: agent(), method: "POST", body: "x" })).status,
    ).toBe(401);
    expect((await simRequest(`${sim.url}ews/exchange.asmx`, { agent: agent(), headers: auth })).status).toBe(
      405,
    );
    expect((await simRequest(`${sim.url}nowhere`, { agent: agent(), headers: auth })).status).toBe(404);
    expect((await simRequest(`${sim.url}mailwire/health`, { agent: agent() })).status).toBe(200);
  });
});
