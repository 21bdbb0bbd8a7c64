import { connect } from "node:net";
import { ConnectionError, TimeoutError, toAbortError } from "@mailwire/core";
import type { PortProbe } from "../discovery/context.js";

/** The default PortProbe: a plain TCP connect that is closed as soon as it opens. */
export const tcpPortProbe: PortProbe = (host, port, { signal, timeoutMs }) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(toAbortError(signal));
      return;
    }
    const socket = connect({ host, port });
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(toAbortError(signal));
    const timer = setTimeout(
      () => finish(new TimeoutError(`connect to ${host}:${port} timed out`, { phase: "connect", timeoutMs })),
      timeoutMs,
    );
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => finish());
    socket.once("error", (error) =>
      finish(new ConnectionError(`connect to ${host}:${port} failed`, { cause: error })),
    );
  });
