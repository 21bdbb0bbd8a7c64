/**
 * selfsigned's PEM has no final newline; with one, PEMs concatenate into a valid bundle (a chain
 * for `cert`, several CAs for `ca`) and files end like openssl's.
 */
export function pemText(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}
