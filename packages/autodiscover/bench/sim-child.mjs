// exchange-sim in its own process, so the server's TLS and NTLM work does not share the event
// loop (and CPU slice) of the client being timed - as with a real server. Prints one JSON line
// with its port, CA and credentials; exits when its stdin closes. Optional arguments: host and
// port (the bench's network namespace runs it on 127.0.0.1:443).
import { startSim } from "@mailwire/exchange-sim";

const [host, port] = process.argv.slice(2);
const sim = await startSim(host === undefined ? {} : { host, port: Number(port ?? 0) });
process.stdout.write(
  `${JSON.stringify({ port: sim.port, caPem: sim.caPem, credentials: sim.credentials })}\n`,
);
process.stdin.resume();
process.stdin.on("end", () => sim.close().then(() => process.exit(0)));
