import * as core from "@mailwire/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEwsClient } from "../src/index.js";

// What createEwsClient hands to core's createHttpClient (docs/decisions/0003-http-engine.md).
vi.mock("@mailwire/core", async (importOriginal) => {
  const original = await importOriginal<typeof core>();
  return { ...original, createHttpClient: vi.fn(original.createHttpClient) };
});

const created = () => vi.mocked(core.createHttpClient).mock.calls.map(([options]) => options);

describe("the HTTP client createEwsClient creates", () => {
  afterEach(() => {
    vi.mocked(core.createHttpClient).mockClear();
  });

  it("runs on core's node:http engine by default, with no proxy option of its own", async () => {
    const client = createEwsClient({ url: "https://mail.example.test/EWS/Exchange.asmx" });
    await client.close();
    expect(created()).toHaveLength(1);
    expect(created()[0]).toMatchObject({ engine: "node" });
    expect(created()[0]?.proxy).toBeUndefined();
  });

  it("takes engine and proxy from the options", async () => {
    const client = createEwsClient({
      url: "https://mail.example.test/EWS/Exchange.asmx",
      engine: "undici",
      proxy: "http://proxy.example.test:3128",
    });
    await client.close();
    expect(created()[0]).toMatchObject({ engine: "undici", proxy: "http://proxy.example.test:3128" });
  });

  it("creates none when the caller passes its own", async () => {
    const http = core.createHttpClient({ engine: "undici" });
    vi.mocked(core.createHttpClient).mockClear();
    const client = createEwsClient({ url: "https://mail.example.test/EWS/Exchange.asmx", http });
    await client.close();
    await http.close();
    expect(created()).toHaveLength(0);
  });
});
