import { afterEach, describe, expect, it } from "vitest";
import type { HttpClient } from "../../src/http/index.js";
import { createHttpClient } from "./support/engine.js";
import { createNtlmHandler } from "./support/ntlm-test-server.js";
import { readBody, startServer, type TestServer } from "./support/servers.js";

const user = { username: "alice", password: "Secr3t-pass!", domain: "CONTOSO" };

// undici closes the connection after a request body sent with a method outside
// POST/PUT/PATCH/QUERY/PROPFIND/PROPPATCH. NTLM authenticates the connection, so such a
// request (RPC over HTTP's RPC_OUT_DATA carries its CONN/A1 this way) would never finish
// the handshake: each leg would land on a new connection.
describe("a body on a method undici does not expect one for", () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;
  afterEach(async () => {
    await client?.destroy();
    await server?.close();
  });

  it("keeps the NTLM-authenticated connection (one handshake, one connection)", async () => {
    const bodies: string[] = [];
    const ntlm = createNtlmHandler({
      ...user,
      onAuthenticated: async (request, response) => {
        bodies.push((await readBody(request)).toString());
        response.end("ok");
      },
    });
    server = await startServer(ntlm.handler);
    client = createHttpClient({ credentials: user, proxy: false, connectionsPerOrigin: 1 });
    for (let index = 0; index < 5; index++) {
      const response = await client.request({
        method: "REPORT",
        url: `${server.url}/`,
        body: new TextEncoder().encode(`body ${index}`),
        expectStatus: 200,
      });
      expect(await response.body.text()).toBe("ok");
    }
    expect(bodies).toEqual(["body 0", "body 1", "body 2", "body 3", "body 4"]);
    expect(ntlm.stats.negotiates).toBe(1);
    expect(server.connections()).toBe(1);
  });
});
