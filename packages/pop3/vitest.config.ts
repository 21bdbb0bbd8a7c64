import { fileURLToPath } from "node:url";
import { packageTests } from "@mailwire/config/vitest";
import { defineConfig } from "vitest/config";

// TEMPORARY alias until @mailwire/core exports its socket transport (see test/support/core-shim.ts).
const coreShim = fileURLToPath(new URL("./test/support/core-shim.ts", import.meta.url));

export default defineConfig({
  ...packageTests(),
  resolve: { alias: { "@mailwire/core": coreShim } },
});
