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
      reporters: ["default"],
      ...overrides,
    },
  };
}
