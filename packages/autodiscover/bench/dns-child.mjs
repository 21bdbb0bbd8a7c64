// loopback-dns.mjs in a child process, so the DNS server does not share an event loop with the
// client being timed (the namespace's resolver on 127.0.0.1:53, asked by exchangelib and by
// our discover() alike). argv: host, port, JSON of [["name TYPE", [records]], ...]. Prints
// "ready"; exits when its stdin closes.
import { startLoopbackDns } from "./loopback-dns.mjs";

const [host, port, json] = process.argv.slice(2);
const dns = await startLoopbackDns(new Map(JSON.parse(json)), { host, port: Number(port) });
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => {
  dns.close();
  process.exit(0);
});
