// A TCP port on 127.0.0.1 where connect() never completes, without root or iptables. This
// process listens with backlog 0 and then blocks its own event loop for good, so it never
// accept()s: once the parent has filled the accept queue, Linux drops every further SYN
// (net.ipv4.tcp_abort_on_overflow=0, the default) and clients sit in SYN_SENT, retransmitting -
// what a firewall that drops packets looks like. Prints the port; the parent kills it.
import { createServer } from "node:net";

const server = createServer();
server.listen({ port: 0, host: "127.0.0.1", backlog: 0 }, () => {
  process.stdout.write(`${server.address().port}\n`, () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
});
