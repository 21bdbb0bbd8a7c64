// A TCP port on 127.0.0.1 where connect() never completes, without root or iptables. This
// process listens with backlog 1 and then blocks its own event loop for good, so it never
// accept()s. Once the parent has filled the accept queue (backlog + 1 = 2 connections on
// Linux), the kernel drops every further SYN (net.ipv4.tcp_abort_on_overflow=0, the default)
// and clients sit in SYN_SENT, retransmitting - what a firewall that drops packets looks like.
// Not backlog 0: node:net reads 0 as "use the default" (511), so every connect would complete
// and this would only be a server that accepts and stays silent (that is black-hole.ts).
// Optional arguments: host and port (default 127.0.0.1, any free port; the bench's network
// namespace puts holes on 127.0.0.2:443 and :80). Prints the port; the parent kills it.
import { createServer } from "node:net";

const [host = "127.0.0.1", port = "0"] = process.argv.slice(2);
const server = createServer();
server.listen({ port: Number(port), host, backlog: 1 }, () => {
  process.stdout.write(`${server.address().port}\n`, () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
});
