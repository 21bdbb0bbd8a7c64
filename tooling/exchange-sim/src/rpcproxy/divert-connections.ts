import type { Server } from "node:https";
import type { Socket } from "node:net";
import type { RpcProxy } from "./rpc-proxy.js";

/**
 * Node's HTTP parser refuses RPC_IN_DATA / RPC_OUT_DATA, so the RPC proxy must see each TLS
 * connection's first bytes before the HTTP server does. Call right after creating the server:
 * the HTTP server's own 'secureConnection' listener is taken out and called only for
 * connections the proxy does not claim, with the first chunk put back.
 */
export function divertRpcProxyConnections(server: Server, proxy: RpcProxy): void {
  const httpListeners = server.listeners("secureConnection") as ((socket: Socket) => void)[];
  for (const listener of httpListeners) server.removeListener("secureConnection", listener);
  server.prependListener("secureConnection", (socket: Socket) => {
    const onData = (chunk: Buffer) => {
      socket.removeListener("data", onData);
      socket.pause();
      if (proxy.claims(chunk)) {
        proxy.serve(socket, chunk);
        socket.resume();
        return;
      }
      socket.unshift(chunk);
      for (const listener of httpListeners) listener.call(server, socket);
      socket.resume();
    };
    socket.on("data", onData);
  });
}
