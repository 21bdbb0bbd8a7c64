import type { Pop3ConnectOptions } from "../../src/index.js";
import type { ScriptedPeer } from "./scripted-server.js";

/** The password the scripted sessions log in with (tests check it never leaks). */
export const PASSWORD = "s3cret-Passw0rd";

/** Greeting, CAPA and USER/PASS login as alice; `capa` lines are sent for both CAPAs. */
export async function login(
  peer: ScriptedPeer,
  capa: string[] = ["USER", "UIDL", "TOP", "PIPELINING"],
): Promise<void> {
  peer.send("+OK ready");
  await peer.expect("CAPA");
  peer.send("+OK", ...capa, ".");
  await peer.expect("USER alice");
  peer.send("+OK");
  await peer.expect(`PASS ${PASSWORD}`);
  peer.send("+OK logged in");
  await peer.expect("CAPA");
  peer.send("+OK", ...capa, ".");
}

/** Plain-text connect options to a scripted server on loopback, logging in as alice. */
export function options(port: number, extra: Partial<Pop3ConnectOptions> = {}): Pop3ConnectOptions {
  return {
    host: "127.0.0.1",
    port,
    tls: "none",
    allowInsecureAuth: true,
    auth: { username: "alice", password: PASSWORD },
    ...extra,
  };
}
