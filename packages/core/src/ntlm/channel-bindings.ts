import { createHash } from "node:crypto";
import { ByteWriter } from "../bytes/byte-writer.js";
import { md5 } from "../crypto/md5.js";
import { tlsServerEndPointHashAlgorithm } from "./certificate-hash-algorithm.js";

const TLS_SERVER_END_POINT_PREFIX = new TextEncoder().encode("tls-server-end-point:");

/**
 * RFC 5929 4 `tls-server-end-point`: the hash of the server's DER certificate, with the hash
 * of its signature algorithm (SHA-256 when that is MD5 or SHA-1). Throws ParseError for a
 * certificate that is not DER, InvalidArgumentError when no binding is defined.
 */
export function tlsServerEndPoint(certDer: Uint8Array): Uint8Array {
  const algorithm = tlsServerEndPointHashAlgorithm(certDer);
  return new Uint8Array(createHash(algorithm).update(certDer).digest());
}

/**
 * The unhashed gss_channel_bindings_struct (RFC 2744 3.11) as NTLM and Kerberos hash it
 * (RFC 4121 4.1.1.2): initiator and acceptor address types and lengths all zero, then the
 * application data length and bytes; integers are 32-bit little-endian.
 */
export function gssChannelBindings(applicationData: Uint8Array): Uint8Array {
  return new ByteWriter(20 + applicationData.length)
    .u32(0) // initiator_addrtype
    .u32(0) // initiator_address.length
    .u32(0) // acceptor_addrtype
    .u32(0) // acceptor_address.length
    .u32(applicationData.length)
    .bytes(applicationData)
    .finish()
    .slice();
}

/**
 * MsvAvChannelBindings value (MS-NLMP 2.2.2.1): MD5 of the gss_channel_bindings_struct whose
 * application data is "tls-server-end-point:" followed by tlsServerEndPoint(certDer).
 */
export function channelBindingsHash(certDer: Uint8Array): Uint8Array {
  const endPoint = tlsServerEndPoint(certDer);
  const applicationData = new Uint8Array(TLS_SERVER_END_POINT_PREFIX.length + endPoint.length);
  applicationData.set(TLS_SERVER_END_POINT_PREFIX, 0);
  applicationData.set(endPoint, TLS_SERVER_END_POINT_PREFIX.length);
  return md5(gssChannelBindings(applicationData));
}
