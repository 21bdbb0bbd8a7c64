import type { ExchangeSim } from "@mailwire/exchange-sim";
import { expect } from "vitest";
import { runCliProcess } from "./spawn-cli.js";

/**
 * `mailbox connect` against exchange-sim with EWS forced, as the cached-mode e2e tests set up
 * their profile: `caFile` must already hold the simulator's CA. Fails the test unless it exits 0.
 */
export async function connectSimProfile(
  sim: ExchangeSim,
  caFile: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const run = await runCliProcess(
    [
      "connect",
      sim.credentials.email,
      "--autodiscover-url",
      sim.origin,
      "--ca-file",
      caFile,
      "--protocol",
      "ews",
    ],
    env,
  );
  expect(run.code, run.stderr).toBe(0);
}
