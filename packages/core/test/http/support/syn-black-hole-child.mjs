// Listens on 127.0.0.1 with backlog 1, prints the port, then blocks its own event loop for
// good so it never accept()s. Once the parent has filled the accept queue (backlog + 1 = 2
// connections on Linux), the kernel drops every further SYN (tcp_abort_on_overflow=0, the
// default): a client's connect() stays in SYN_SENT, as behind a firewall that drops packets.
// Not backlog 0: node:net reads 0 as "use the default" (511), and then every connect completes.
// The parent kills this process.
import { createServer } from "node:net";

const server = createServer();
server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
  process.stdout.write(`${server.address().port}\n`, () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
});
