import { fileURLToPath } from "node:url";
import { packageTests } from "@mailwire/config/vitest";
import { defineConfig } from "vitest/config";

// The simulator is imported from source: its dist is rebuilt (and briefly absent) whenever any
// workspace builds, and tests should run against the sim code in this tree anyway.
export default defineConfig({
  ...packageTests(),
  resolve: {
    alias: {
      "@mailwire/exchange-sim": fileURLToPath(
        new URL("../../tooling/exchange-sim/src/index.ts", import.meta.url),
      ),
    },
  },
});
