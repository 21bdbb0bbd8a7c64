#!/usr/bin/env node
import { startSim } from "./start-sim.js";

// `npm run start -w @mailwire/exchange-sim` (after a build): runs the simulator until Ctrl-C.
// PORT picks a fixed port; the CA certificate is printed so a client can be pointed at it.
// A plain async function rather than top-level await, because tsup also emits a CJS build.

async function main(): Promise<void> {
  const sim = await startSim({ port: Number(process.env.PORT ?? 0) });
  const { username, password, domain, email } = sim.credentials;
  process.stdout.write(
    `exchange-sim listening on ${sim.url}\n` +
      `  user: ${username}  domain: ${domain}  email: ${email}  password: ${password}\n` +
      `  save the certificate below as sim-ca.pem, then:\n` +
      `  curl --cacert sim-ca.pem -u '${username}:${password}' ${sim.url}mailwire/whoami\n\n` +
      sim.caPem,
  );
  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`exchange-sim failed to start: ${String(error)}\n`);
  process.exit(1);
});
