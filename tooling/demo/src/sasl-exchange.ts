import {
  authenticateSasl,
  type SaslConversation,
  type SaslCredentials,
  selectSaslMechanism,
} from "@mailwire/core";

/**
 * Picks the strongest mechanism the server offers (core's preference order and its refusal
 * of secret-exposing mechanisms without TLS) and runs it. Resolves only when the server
 * accepted us and, for SCRAM, proved that it knows the password (server signature).
 */
export async function authenticateStrongest(options: {
  offered: readonly string[];
  credentials: SaslCredentials;
  transportEncrypted: boolean;
  conversation: SaslConversation;
  host: string;
  port: number;
  signal: AbortSignal;
}): Promise<{ mechanism: string; serverVerified: boolean }> {
  const mechanism = selectSaslMechanism({
    offered: options.offered,
    credentials: options.credentials,
    transportEncrypted: options.transportEncrypted,
    host: options.host,
    port: options.port,
  });
  await authenticateSasl(mechanism, options.conversation, { signal: options.signal });
  // authenticateSasl checks the server's proof for mechanisms that have one (SCRAM) and
  // throws MW_AUTH_FAILED when it is wrong or missing.
  return { mechanism: mechanism.name, serverVerified: mechanism.name.startsWith("SCRAM-") };
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
