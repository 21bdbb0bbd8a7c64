import type { ImapflowInternals } from "./imapflow-internals.js";

/**
 * ID (RFC 2971) tells a passive observer the client's name and version. imapflow 2.x sends it
 * only after STARTTLS (and again after login), which the Dovecot STARTTLS test pins; on a
 * session that stays plaintext (`tls: "none"`) it would still send it, so connectImap installs
 * this wrapper for that mode only: ID is dropped while the connection is not encrypted.
 */
export function installIdPolicy(client: ImapflowInternals): void {
  const run = client.run.bind(client);
  client.run = async (command: string, ...args: unknown[]): Promise<unknown> => {
    if (command.toUpperCase() === "ID" && client.secureConnection !== true) return undefined;
    return run(command, ...args);
  };
}
