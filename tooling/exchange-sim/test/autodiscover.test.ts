import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExchangeSim, startSim } from "../src/index.js";
import { type SimResponse, simRequest, singleConnectionAgent } from "./helpers/https-request.js";

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

function httpsRequest(
  target: ExchangeSim,
  options: { method: string; path: string; body?: string; headers?: Record<string, string> },
): Promise<SimResponse> {
  const agent = singleConnectionAgent(target.caPem);
  return simRequest(`${target.origin}${options.path}`, {
    agent,
    method: options.method,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
  }).finally(() => agent.destroy());
}

const basic = () =>
  `Basic ${Buffer.from(`${sim.credentials.username}:${sim.credentials.password}`).toString("base64")}`;

describe("Autodiscover endpoints", () => {
  it("POX needs authentication and answers with the sim's own URLs", async () => {
    const body = `<Autodiscover><Request><EMailAddress>${sim.credentials.email}</EMailAddress></Request></Autodiscover>`;
    const anonymous = await httpsRequest(sim, {
      method: "POST",
      path: "/autodiscover/autodiscover.xml",
      body,
    });
    expect(anonymous.status).toBe(401);
    const reply = await httpsRequest(sim, {
      method: "POST",
      path: "/autodiscover/autodiscover.xml",
      body,
      headers: { authorization: basic(), "x-mapihttpcapability": "1" },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(`<ASUrl>${sim.origin}/EWS/Exchange.asmx</ASUrl>`);
    expect(reply.body).toContain('<Protocol Type="mapiHttp" Version="1">');
    sim.autodiscover.respondWith({ kind: "redirectAddr", address: "x@y.example" }, { once: true });
    const redirected = await httpsRequest(sim, {
      method: "POST",
      path: "/autodiscover/autodiscover.xml",
      body,
      headers: { authorization: basic() },
    });
    expect(redirected.body).toContain("<RedirectAddr>x@y.example</RedirectAddr>");
  });

  it("v2 JSON is anonymous", async () => {
    const reply = await httpsRequest(sim, {
      method: "GET",
      path: `/autodiscover/autodiscover.json?Email=${encodeURIComponent(sim.credentials.email)}&Protocol=AutodiscoverV1`,
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      Protocol: "AutodiscoverV1",
      Url: `${sim.origin}/autodiscover/autodiscover.xml`,
    });
  });
});
