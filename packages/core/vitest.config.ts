import { packageTests } from "@mailwire/config/vitest";
import { defineConfig } from "vitest/config";

const base = packageTests();

// The HTTP tests run once per engine: every behaviour of the transport (pools, NTLM
// connection binding, proxies, timeouts, errors) must hold on undici and on node:http alike.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: [
      { extends: true, test: { name: "core" } },
      {
        extends: true,
        test: {
          name: "http on node:http",
          include: ["test/http/**/*.test.ts"],
          // Which undici files load is the undici engine's business alone.
          exclude: ["test/http/undici-parts.test.ts"],
          env: { MW_TEST_HTTP_ENGINE: "node" },
        },
      },
    ],
  },
});
