import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./syn-black-hole-child.mjs", import.meta.url));

/**
 * A port where the TCP connect itself never completes (see syn-black-hole-child.mjs), unlike
 * black-hole.ts, which accepts and then stays silent. The accept queue is filled here with a
 * few connections of our own; `probe()` tells whether a fresh connect still hangs.
 */
export async function startSynBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, [CHILD], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: Socket[] = [];
  for (let index = 0; index < 3; index++) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}
