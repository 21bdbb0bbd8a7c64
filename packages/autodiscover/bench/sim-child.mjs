// exchange-sim in its own process, so the server's TLS and NTLM work does not share the event
// loop (and CPU slice) of the client being timed - as with a real server. Prints one JSON line
// with its port, CA and credentials; exits when its stdin closes.
import { startSim } from "@mailwire/exchange-sim";

const sim = await startSim();
process.stdout.write(
  `${JSON.stringify({ port: sim.port, caPem: sim.caPem, credentials: sim.credentials })}\n`,
);
process.stdin.resume();
process.stdin.on("end", () => sim.close().then(() => process.exit(0)));
