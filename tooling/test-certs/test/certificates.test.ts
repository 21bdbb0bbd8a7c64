import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  BACKDATE_MS,
  createTestCa,
  DEFAULT_CERTIFICATE_VALID_FOR_MS,
  issueCertificate,
  LOCALHOST_IP_ADDRESSES,
  localhostCertificate,
} from "../src/index.js";
import { keyUsage } from "./der-key-usage.js";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
// AlgorithmIdentifier OIDs as DER (RFC 5758 3.2, RFC 4055 5).
const ECDSA_WITH_SHA256 = Buffer.from("06082a8648ce3d040302", "hex");
const SHA256_WITH_RSA = Buffer.from("06092a864886f70d01010b", "hex");

describe("localhostCertificate", () => {
  it("is issued by its CA, for every loopback name, EC P-256 signed with SHA-256", async () => {
    const issued = await localhostCertificate();
    const leaf = new X509Certificate(issued.certPem);
    const ca = new X509Certificate(issued.caPem);

    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(leaf.publicKey)).toBe(false);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(issued.caPem).toBe(issued.ca.certPem);

    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.checkHost("mail.example.test")).toBeUndefined();
    for (const address of LOCALHOST_IP_ADDRESSES) expect(leaf.checkIP(address)).toBe(address);
    expect(leaf.checkIP("127.0.0.3")).toBeUndefined();

    expect(leaf.publicKey.asymmetricKeyType).toBe("ec");
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(Buffer.from(issued.der).includes(ECDSA_WITH_SHA256)).toBe(true);
    expect(Buffer.from(issued.der).equals(leaf.raw)).toBe(true);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]);
    expect(keyUsage(issued.der)).toEqual({ critical: true, usages: ["digitalSignature"] });
  });

  it("is back-dated an hour for clock skew and valid for the default period", async () => {
    const before = Date.now();
    const leaf = new X509Certificate((await localhostCertificate()).certPem);
    const after = Date.now();
    // X.509 times have whole seconds.
    const notBefore = Date.parse(leaf.validFrom);
    const notAfter = Date.parse(leaf.validTo);
    expect(notBefore).toBeGreaterThanOrEqual(before - BACKDATE_MS - 1000);
    expect(notBefore).toBeLessThanOrEqual(after - BACKDATE_MS);
    expect(notAfter).toBeGreaterThanOrEqual(before + DEFAULT_CERTIFICATE_VALID_FOR_MS - 1000);
    expect(notAfter).toBeLessThanOrEqual(after + DEFAULT_CERTIFICATE_VALID_FOR_MS);
  });

  it("adds extra DNS names and IP addresses", async () => {
    const leaf = new X509Certificate(
      (await localhostCertificate({ names: ["mail.example.test", "10.1.2.3", "fd00::25"] })).certPem,
    );
    expect(leaf.checkHost("mail.example.test")).toBe("mail.example.test");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.checkIP("10.1.2.3")).toBe("10.1.2.3");
    expect(leaf.checkIP("fd00::25")).toBe("fd00::25");
  });

  it("makes a fresh CA each call, or issues from the one given", async () => {
    const first = await localhostCertificate();
    const second = await localhostCertificate();
    expect(new X509Certificate(second.certPem).verify(new X509Certificate(first.caPem).publicKey)).toBe(
      false,
    );
    const same = await localhostCertificate({ ca: first.ca });
    expect(same.caPem).toBe(first.caPem);
    expect(new X509Certificate(same.certPem).verify(new X509Certificate(first.caPem).publicKey)).toBe(true);
  });

  it("makes an RSA CA and certificate on request, signed with SHA-256", async () => {
    const issued = await localhostCertificate({ keyType: "rsa" });
    const leaf = new X509Certificate(issued.certPem);
    expect(leaf.publicKey.asymmetricKeyType).toBe("rsa");
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(Buffer.from(issued.der).includes(SHA256_WITH_RSA)).toBe(true);
    expect(leaf.verify(new X509Certificate(issued.caPem).publicKey)).toBe(true);
    expect(keyUsage(issued.der)?.usages).toEqual(["digitalSignature", "keyEncipherment"]);
  });
});

describe("createTestCa", () => {
  it("is a CA that may sign certificates only", async () => {
    const ca = await createTestCa();
    const certificate = new X509Certificate(ca.certPem);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toContain("CN=mailwire throw-away test CA");
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(keyUsage(new Uint8Array(certificate.raw))).toEqual({
      critical: true,
      usages: ["keyCertSign", "cRLSign"],
    });
  });
});

describe("issueCertificate", () => {
  it("issues client certificates: clientAuth only, digitalSignature only, no SAN unless asked", async () => {
    const ca = await createTestCa();
    const client = await issueCertificate(ca, { commonName: "alice", usage: "client" });
    const certificate = new X509Certificate(client.certPem);
    expect(certificate.subject).toBe("CN=alice");
    expect(certificate.keyUsage).toEqual([CLIENT_AUTH]);
    expect(keyUsage(client.der)).toEqual({ critical: true, usages: ["digitalSignature"] });
    expect(certificate.subjectAltName).toBeUndefined();
    expect(certificate.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it("gives a server certificate without names its common name as the SAN", async () => {
    const ca = await createTestCa();
    const byName = new X509Certificate(
      (await issueCertificate(ca, { commonName: "mail.example.test" })).certPem,
    );
    expect(byName.subjectAltName).toBe("DNS:mail.example.test");
    const byAddress = new X509Certificate((await issueCertificate(ca, { commonName: "192.0.2.1" })).certPem);
    expect(byAddress.checkIP("192.0.2.1")).toBe("192.0.2.1");
  });

  it("never outlives its CA", async () => {
    const ca = await createTestCa({ validForMs: 60_000 });
    const leaf = await issueCertificate(ca, { commonName: "localhost", validForMs: 86_400_000 });
    expect(new X509Certificate(leaf.certPem).validTo).toBe(new X509Certificate(ca.certPem).validTo);
  });

  it("refuses what it cannot do, with a reason", async () => {
    const ca = await createTestCa();
    await expect(issueCertificate(ca, { commonName: "localhost", keyType: "rsa" })).rejects.toThrow(
      /createTestCa\(\{ keyType: "rsa" \}\)/,
    );
    await expect(issueCertificate(ca, { commonName: "x", ipAddresses: ["localhost"] })).rejects.toThrow(
      /not an IP address/,
    );
    await expect(issueCertificate(ca, { commonName: "x", dnsNames: ["127.0.0.1"] })).rejects.toThrow(
      /not a DNS name/,
    );
    await expect(issueCertificate(ca, { commonName: "a, O=evil" })).rejects.toThrow(/commonName/);
    await expect(issueCertificate(ca, { commonName: "x", validForMs: 0 })).rejects.toThrow(RangeError);
  });
});
