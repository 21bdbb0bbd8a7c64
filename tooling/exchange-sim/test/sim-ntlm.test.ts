import { X509Certificate } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { channelBindingHash } from "../src/ntlm/channel-bindings.js";
import { type ExchangeSim, startSim } from "../src/start-sim.js";
import { challengesOf, simRequest, singleConnectionAgent } from "./helpers/https-request.js";
import {
  type AuthenticateOptions,
  authenticateMessage,
  challengeFromHeader,
  negotiateMessage,
  ntlmHeader,
  parseChallenge,
} from "./helpers/ntlm-test-client.js";
import { hex, msNlmp424 } from "./helpers/vectors.js";

const SMALL = { messageCount: 20, largeMessageBytes: 0 };

describe("NTLM with the MS-NLMP 4.2.4 example over HTTPS", () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await startSim({
      fixture: SMALL,
      credentials: { username: "User", password: "Password", domain: "Domain", email: "user@domain.test" },
      auth: { ntlm: { serverChallenge: hex("0123456789abcdef"), timestamp: false } },
    });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.resetStats());

  async function handshake(authenticate: Uint8Array) {
    const agent = singleConnectionAgent(sim.caPem);
    const first = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(negotiateMessage()) },
    });
    const second = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(authenticate) },
    });
    return { agent, first, second };
  }

  it("verifies the spec's AUTHENTICATE_MESSAGE against the spec's ServerChallenge", async () => {
    const { agent, first, second } = await handshake(hex(msNlmp424.authenticate_message));
    expect(first.status).toBe(401);
    expect(parseChallenge(challengeFromHeader(challengesOf(first)[0])).serverChallenge).toEqual(
      hex("0123456789abcdef"),
    );
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).user).toMatchObject({ username: "User", scheme: "ntlm" });
    expect(second.localPort).toBe(first.localPort);
    expect(sim.stats).toMatchObject({ ntlmChallenges: 1, ntlmHandshakes: 1, ntlmFailures: 0 });

    // Connection-bound: no Authorization needed on the same socket...
    const third = await simRequest(`${sim.url}mailwire/folders`, { agent });
    expect(third.status).toBe(200);
    expect(third.localPort).toBe(first.localPort);
    agent.destroy();
    // ...but a new connection must authenticate again.
    const fresh = singleConnectionAgent(sim.caPem);
    const other = await simRequest(`${sim.url}mailwire/whoami`, { agent: fresh });
    expect(other.status).toBe(401);
    expect(challengesOf(other)).toContain("NTLM");
    fresh.destroy();
    expect(sim.stats.ntlmHandshakes).toBe(1);
    expect(sim.stats.connections).toBe(2);
  });

  it("rejects a tampered AUTHENTICATE_MESSAGE", async () => {
    const tampered = hex(msNlmp424.authenticate_message);
    tampered[0x84 + 3] = tampered[0x84 + 3]! ^ 0x10;
    const { agent, second } = await handshake(tampered);
    expect(second.status).toBe(401);
    expect(sim.stats).toMatchObject({ ntlmHandshakes: 0, ntlmFailures: 1, lastNtlmFailure: "bad-response" });
    // The failed connection is not authenticated.
    expect((await simRequest(`${sim.url}mailwire/whoami`, { agent })).status).toBe(401);
    agent.destroy();
  });

  it("refuses an AUTHENTICATE without a preceding NEGOTIATE on the connection", async () => {
    const agent = singleConnectionAgent(sim.caPem);
    const response = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(hex(msNlmp424.authenticate_message)) },
    });
    expect(response.status).toBe(401);
    expect(sim.stats.lastNtlmFailure).toBe("no-handshake");
    agent.destroy();
  });
});

describe("NTLM with timestamp, MIC and channel bindings", () => {
  let sim: ExchangeSim;
  let binding: Uint8Array;
  beforeAll(async () => {
    sim = await startSim({ fixture: SMALL });
    binding = channelBindingHash(new Uint8Array(new X509Certificate(sim.certificatePem).raw));
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.resetStats();
    sim.configureAuth({ ntlm: { channelBinding: "when-supported", requireMic: false } });
  });

  async function login(overrides: Partial<AuthenticateOptions>, userForm?: { user: string; domain: string }) {
    const agent = singleConnectionAgent(sim.caPem);
    const negotiate = negotiateMessage();
    const first = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(negotiate) },
    });
    const challenge = challengeFromHeader(challengesOf(first)[0]);
    const authenticate = authenticateMessage({
      user: userForm?.user ?? sim.credentials.username,
      domain: userForm?.domain ?? sim.credentials.domain,
      password: sim.credentials.password,
      negotiate,
      challenge,
      ...overrides,
    });
    const second = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(authenticate) },
    });
    agent.destroy();
    return { challenge: parseChallenge(challenge), status: second.status };
  }

  it("sends MsvAvTimestamp and accepts a correct MIC with matching channel bindings", async () => {
    const { challenge, status } = await login({ channelBinding: binding });
    expect(challenge.targetInfo.map((p) => p.id)).toContain(7);
    expect(status).toBe(200);
    expect(sim.stats.ntlmHandshakes).toBe(1);
  });

  it("accepts the UPN form and an upper-case domain", async () => {
    expect((await login({}, { user: sim.credentials.email, domain: "" })).status).toBe(200);
    expect(
      (await login({}, { user: sim.credentials.username, domain: sim.credentials.domain.toLowerCase() }))
        .status,
    ).toBe(200);
  });

  it.each([
    ["a wrong MIC", { mic: "wrong" as const }, "bad-mic"],
    ["a wrong password", { password: "nope" }, "bad-response"],
    [
      "bindings for another certificate",
      { channelBinding: new Uint8Array(16).fill(7) },
      "bad-channel-binding",
    ],
  ])("rejects %s", async (_name, overrides, reason) => {
    expect((await login(overrides)).status).toBe(401);
    expect(sim.stats.lastNtlmFailure).toBe(reason);
  });

  it("accepts a missing MIC by default and refuses it when requireMic is set", async () => {
    expect((await login({ mic: "none" })).status).toBe(200);
    sim.configureAuth({ ntlm: { requireMic: true } });
    expect((await login({ mic: "none" })).status).toBe(401);
    expect(sim.stats.lastNtlmFailure).toBe("mic-missing");
    expect((await login({})).status).toBe(200);
  });

  it("requires channel bindings when Extended Protection is required", async () => {
    sim.configureAuth({ ntlm: { channelBinding: "required" } });
    expect((await login({})).status).toBe(401);
    expect(sim.stats.lastNtlmFailure).toBe("channel-binding-missing");
    expect((await login({ channelBinding: binding })).status).toBe(200);
  });

  it("rejects an NTLMv1 response", async () => {
    const agent = singleConnectionAgent(sim.caPem);
    await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(negotiateMessage()) },
    });
    const v1 = Buffer.from(hex(msNlmp424.authenticate_message));
    v1.writeUInt16LE(24, 20);
    v1.writeUInt16LE(24, 22);
    const response = await simRequest(`${sim.url}mailwire/whoami`, {
      agent,
      headers: { Authorization: ntlmHeader(v1) },
    });
    expect(response.status).toBe(401);
    expect(sim.stats.lastNtlmFailure).toBe("ntlmv1");
    agent.destroy();
  });
});
