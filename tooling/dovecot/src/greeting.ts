import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

export interface GreetingTarget {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS, trusting this CA. */
  readonly tlsCa?: string | undefined;
}

/** Connects once and resolves with the server's first line (its greeting), then hangs up. */
export function readGreeting(target: GreetingTarget, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      target.tlsCa === undefined
        ? connectTcp({ host: target.host, port: target.port })
        : connectTls({ host: target.host, port: target.port, ca: target.tlsCa });
    let received = "";
    const finish = (error: Error | undefined, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(line ?? "");
      else reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n");
      if (end >= 0) finish(undefined, received.slice(0, end));
    });
    socket.on("error", (error) => finish(error));
    socket.on("end", () => finish(new Error("connection closed before the greeting")));
  });
}
