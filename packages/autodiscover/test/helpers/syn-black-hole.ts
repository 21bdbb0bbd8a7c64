import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./syn-black-hole-child.mjs", import.meta.url));

export interface SynBlackHole {
  readonly port: number;
  /** True when a fresh TCP connect to the port is still pending after `ms`: the hole holds. */
  probe(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A port where the TCP connect itself never completes (see syn-black-hole-child.mjs), unlike
 * black-hole.ts, which accepts and then stays silent. Two connections of ours fill the child's
 * backlog-1 accept queue; they do connect, every connect after them does not.
 */
export async function startSynBlackHole(): Promise<SynBlackHole> {
  const child = spawn(process.execPath, [CHILD], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: Socket[] = [];
  for (let index = 0; index < 2; index++) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => undefined);
    fillers.push(socket);
    await once(socket, "connect");
  }
  return {
    port,
    probe: async (ms) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.on("error", () => undefined);
      let connected = false;
      socket.once("connect", () => {
        connected = true;
      });
      await new Promise((resolve) => setTimeout(resolve, ms));
      socket.destroy();
      return !connected;
    },
    close: async () => {
      for (const socket of fillers) socket.destroy();
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}
