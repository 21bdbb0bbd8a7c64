import { ByteReader } from "../bytes/byte-reader.js";
import { InvalidArgumentError, ParseError } from "../errors/error-classes.js";

/*
 * Just enough DER (X.690) to find an X.509 certificate's signatureAlgorithm (RFC 5280 4.1.1.2):
 *   Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm AlgorithmIdentifier, ... }
 *   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 * Every length is checked against its enclosing element; no general ASN.1 decoding.
 */

const TAG_SEQUENCE = 0x30;
const TAG_OID = 0x06;
const TAG_CONTEXT_0 = 0xa0;

interface DerElement {
  readonly tag: number;
  /** Contents only (no tag or length octets). */
  readonly contents: Uint8Array;
}

function readElement(reader: ByteReader): DerElement {
  const tag = reader.u8();
  if ((tag & 0x1f) === 0x1f)
    throw new ParseError("DER high-tag-number form is not expected in a certificate");
  const first = reader.u8();
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids; 4 octets cover any real certificate.
    if (octets === 0 || octets > 4)
      throw new ParseError(`Unsupported DER length form 0x${first.toString(16)}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + reader.u8();
  }
  return { tag, contents: reader.bytesView(length) };
}

function expect(element: DerElement, tag: number, what: string): Uint8Array {
  if (element.tag !== tag) {
    throw new ParseError(
      `Expected ${what} (tag 0x${tag.toString(16)}), found tag 0x${element.tag.toString(16)}`,
    );
  }
  return element.contents;
}

function decodeOid(contents: Uint8Array): string {
  if (contents.length === 0) throw new ParseError("Empty OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let value = 0;
  for (const byte of contents) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new ParseError("OBJECT IDENTIFIER arc too large");
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  if ((contents[contents.length - 1] as number) & 0x80) throw new ParseError("Truncated OBJECT IDENTIFIER");
  return arcs.join(".");
}

function readAlgorithmIdentifier(contents: Uint8Array): { oid: string; parameters: Uint8Array | undefined } {
  const reader = new ByteReader(contents);
  const oid = decodeOid(expect(readElement(reader), TAG_OID, "algorithm OID"));
  const parameters = reader.remaining > 0 ? reader.bytesView(reader.remaining) : undefined;
  return { oid, parameters };
}

/** The signatureAlgorithm OID of a DER certificate, plus its raw parameters. */
export function certificateSignatureAlgorithm(certDer: Uint8Array): {
  oid: string;
  parameters: Uint8Array | undefined;
} {
  const outer = new ByteReader(certDer);
  const certificate = expect(readElement(outer), TAG_SEQUENCE, "Certificate SEQUENCE");
  const reader = new ByteReader(certificate);
  expect(readElement(reader), TAG_SEQUENCE, "tbsCertificate SEQUENCE");
  return readAlgorithmIdentifier(expect(readElement(reader), TAG_SEQUENCE, "signatureAlgorithm SEQUENCE"));
}

/** Hash OIDs (NIST CSOR, RFC 3279/5754) to node:crypto names. */
const HASH_BY_OID: Readonly<Record<string, string>> = {
  "1.2.840.113549.2.5": "md5",
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** Signature algorithm OIDs to the hash they use (RFC 3279, 4055, 5758). */
const SIGNATURE_HASH_BY_OID: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.4": "md5", // md5WithRSAEncryption
  "1.2.840.113549.1.1.5": "sha1", // sha1WithRSAEncryption
  "1.2.840.113549.1.1.14": "sha224", // sha224WithRSAEncryption
  "1.2.840.113549.1.1.11": "sha256", // sha256WithRSAEncryption
  "1.2.840.113549.1.1.12": "sha384", // sha384WithRSAEncryption
  "1.2.840.113549.1.1.13": "sha512", // sha512WithRSAEncryption
  "1.2.840.10045.4.1": "sha1", // ecdsa-with-SHA1
  "1.2.840.10045.4.3.1": "sha224", // ecdsa-with-SHA224
  "1.2.840.10045.4.3.2": "sha256", // ecdsa-with-SHA256
  "1.2.840.10045.4.3.3": "sha384", // ecdsa-with-SHA384
  "1.2.840.10045.4.3.4": "sha512", // ecdsa-with-SHA512
  "1.2.840.10040.4.3": "sha1", // id-dsa-with-sha1
  "2.16.840.1.101.3.4.3.1": "sha224", // id-dsa-with-sha224
  "2.16.840.1.101.3.4.3.2": "sha256", // id-dsa-with-sha256
};

const RSASSA_PSS = "1.2.840.113549.1.1.10";

/** RSASSA-PSS-params (RFC 4055 3.1): hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1. */
function pssHash(parameters: Uint8Array | undefined): string {
  if (parameters === undefined) return "sha1";
  const params = expect(readElement(new ByteReader(parameters)), TAG_SEQUENCE, "RSASSA-PSS-params");
  const reader = new ByteReader(params);
  if (reader.remaining === 0) return "sha1";
  const first = readElement(reader);
  if (first.tag !== TAG_CONTEXT_0) return "sha1";
  const inner = expect(readElement(new ByteReader(first.contents)), TAG_SEQUENCE, "hashAlgorithm");
  const { oid } = readAlgorithmIdentifier(inner);
  const hash = HASH_BY_OID[oid];
  if (hash === undefined) throw new InvalidArgumentError(`Unknown RSASSA-PSS hash algorithm ${oid}`);
  return hash;
}

/**
 * The hash for `tls-server-end-point` (RFC 5929 4.1): the certificate's signature hash,
 * except that MD5 and SHA-1 are replaced by SHA-256. Algorithms with no single hash (such
 * as Ed25519) have no defined binding; that is an InvalidArgumentError.
 */
export function tlsServerEndPointHashAlgorithm(certDer: Uint8Array): string {
  const { oid, parameters } = certificateSignatureAlgorithm(certDer);
  const hash = oid === RSASSA_PSS ? pssHash(parameters) : SIGNATURE_HASH_BY_OID[oid];
  if (hash === undefined) {
    throw new InvalidArgumentError(
      `RFC 5929 defines no tls-server-end-point binding for signature algorithm ${oid}`,
    );
  }
  return hash === "md5" || hash === "sha1" ? "sha256" : hash;
}
