import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { ErrorCode, LimitExceededError } from "../../src/index.js";
import { createHttpClient } from "./support/engine.js";
import { startServer, type TestServer } from "./support/servers.js";

describe("reading a whole response body with a bound", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("refuses a body over maxBytes while it streams, and the client stays usable", async () => {
    const big = Buffer.alloc(256 * 1024, 0x61);
    server = await startServer((request, response) => {
      response.end(request.url === "/big" ? big : "small");
    });
    client = createHttpClient({ proxy: false, retry: false });
    const response = await client.request({ method: "GET", url: `${server.url}/big` });
    const error = await response.body.text({ maxBytes: 64 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, details: { max: 64 * 1024 } });
    expect(response.body.destroyed).toBe(true);

    const next = await client.request({ method: "GET", url: `${server.url}/small` });
    await expect(next.body.text({ maxBytes: 5 })).resolves.toBe("small");
    const json = await client.request({ method: "GET", url: `${server.url}/big` });
    await expect(json.body.bytes({ maxBytes: big.length })).resolves.toHaveLength(big.length);
  });
});
