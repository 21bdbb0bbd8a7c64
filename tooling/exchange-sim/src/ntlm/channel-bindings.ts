import { createHash } from "node:crypto";
import { md5 } from "./crypto.js";

// Extended Protection for Authentication: the value a client puts in MsvAvChannelBindings is
// MD5 of a gss_channel_bindings_struct (RFC 2744 3.11; MS-NLMP 2.2.2.1) whose addresses are all
// empty and whose application data is "tls-server-end-point:" + hash(server certificate) (RFC 5929 4.1).

/**
 * RFC 5929 4.1: hash the certificate with its signature's hash function, but SHA-256 when that is
 * MD5 or SHA-1. The simulator's certificates are signed with SHA-256, so SHA-256 is always right here.
 */
export function tlsServerEndPoint(certificateDer: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(certificateDer).digest());
}

export function channelBindingHash(certificateDer: Uint8Array): Uint8Array {
  const applicationData = Buffer.concat([
    Buffer.from("tls-server-end-point:", "ascii"),
    tlsServerEndPoint(certificateDer),
  ]);
  const header = Buffer.alloc(20); // initiator addrtype+length, acceptor addrtype+length: zero
  header.writeUInt32LE(applicationData.length, 16);
  return md5(header, applicationData);
}
