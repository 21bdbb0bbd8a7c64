import type { ImapflowInternals } from "./imapflow-internals.js";

/**
 * imapflow sends ID (RFC 2971) right after the greeting, before STARTTLS, which tells a passive
 * observer the client's name and version and lets an active one tamper with the exchange.
 * mailwire sends it only on an encrypted connection: this wrapper drops ID while the connection
 * is plaintext, and imapflow asks again after login (when it saw no server ID yet), by which time
 * STARTTLS has happened. On a `tls: "none"` connection ID is never sent.
 */
export function installIdPolicy(client: ImapflowInternals): void {
  const run = client.run.bind(client);
  client.run = async (command: string, ...args: unknown[]): Promise<unknown> => {
    if (command.toUpperCase() === "ID" && client.secureConnection !== true) return undefined;
    return run(command, ...args);
  };
}
