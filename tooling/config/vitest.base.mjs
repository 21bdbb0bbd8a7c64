// Shared test settings. Integration tests start real servers on loopback, so the
// timeouts are generous, and files run one at a time on the 2-core CI machine.
export function packageTests(overrides = {}) {
  return {
    test: {
      include: ["test/**/*.test.ts", "src/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      fileParallelism: true,
      maxWorkers: 2,
      // The json report feeds the one-line total that `npm test` prints at the end
      // (tooling/config/test-summary.mjs).
      reporters: ["default", "json"],
      outputFile: { json: ".test-results/vitest.json" },
      ...overrides,
    },
  };
}
