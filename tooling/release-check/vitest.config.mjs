import { defineConfig } from "vitest/config";

// Each case packs a fixture and npm-installs it into a temp project: seconds each, so generous
// timeouts. The fixtures' own files (test/fixtures/**) are packages under test, not tests.
export default defineConfig({
  test: {
    include: ["test/*.test.mjs"],
    testTimeout: 180_000,
    maxConcurrency: 2,
    hookTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/vitest.json" },
  },
});
