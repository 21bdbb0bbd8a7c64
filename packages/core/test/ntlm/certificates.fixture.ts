/**
 * Self-signed test certificates (public parts only; the keys were thrown away), made with
 * OpenSSL 3.0 for these tests: `openssl req -x509 -newkey ... -sha256|-sha1|-sha384`, an
 * RSASSA-PSS one (`-sigopt rsa_padding_mode:pss -sha512`) and an Ed25519 one.
 * `endPoint` and `bindingsHash` were computed with the openssl CLI, not with our code:
 *   endPoint     = openssl dgst -<hash> -binary cert.der
 *   bindingsHash = MD5(Z(16) || le32(len) || "tls-server-end-point:" || endPoint)
 */
export interface CertificateFixture {
  readonly signature: string;
  readonly der: string; // base64
  readonly hash?: string;
  readonly endPoint?: string; // hex
  readonly bindingsHash?: string; // hex
}

export const certificates: Readonly<Record<string, CertificateFixture>> = {
  "rsa-sha256": {
    signature: "sha256WithRSAEncryption",
    der:
      "MIICFDCCAX2gAwIBAgIUUlA57WtA3YA1JU/y5jSAPFYspvcwDQYJKoZIhvcNAQELBQAwHDEaMBgGA1UEAwwRbWFpbC5jb250" +
      "b3NvLnRlc3QwHhcNMjYxMTIzMDkwMzEzWhcNMzYxMTIwMDkwMzEzWjAcMRowGAYDVQQDDBFtYWlsLmNvbnRvc28udGVzdDCB" +
      "nzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEApIYH/zirQSNtgmutBbHtsR36d1C9WM6g63aPtaqBGy0wK8hZtVOlRIfIeKFt" +
      "2INXcRk4bHBaXbmWnW3bV70FFNIm4PP+utYXOdUlA6DOAW5DyW9OzCNPnaonIM3X/QKHEp4Koa+VKIelPfhdlV2LFu1J6hpV" +
      "G77dDRkAz12JENsCAwEAAaNTMFEwHQYDVR0OBBYEFOBM+Xi3tdCA5+3WOFRtwp2QIzUVMB8GA1UdIwQYMBaAFOBM+Xi3tdCA" +
      "5+3WOFRtwp2QIzUVMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADgYEAQBxOJBxbslmmPh9mXJKvxIUQEhlBYdOf" +
      "Ja39Dpb+pg2XpMjq8SmhShHPqMrsrz95mSBdW0SKwD0J8VLZRKjlqFVopQw5jSzoNaVSwK21PlVvasyGvVdzM8ws2XWH7FUf" +
      "raqP09Or9kp9bop0iD7/9O4ClMofoj9dX4Cy+qkiGHY=",
    hash: "sha256",
    endPoint: "acb9633c0cfaa9d560f9ff47404cd7ed0b9e125c64cd34389ae2523c66297a42",
    bindingsHash: "be097998ed7fa0d731cf2afb39c90683",
  },
  "rsa-sha1": {
    signature: "sha1WithRSAEncryption",
    der:
      "MIICFDCCAX2gAwIBAgIUc0EAGvvJNAgreObF7b+xiWkmEmQwDQYJKoZIhvcNAQEFBQAwHDEaMBgGA1UEAwwRc2hhMS5jb250" +
      "b3NvLnRlc3QwHhcNMjYxMTIzMDkwMzEzWhcNMzYxMTIwMDkwMzEzWjAcMRowGAYDVQQDDBFzaGExLmNvbnRvc28udGVzdDCB" +
      "nzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEArV/B1UMr/J1nY9y4UqlS0l5EqXz2I6N5rLyOIHxKFi6IfxxqI90i7JR+r5JS" +
      "PYlBVsXJP5A7zVBiCbUugi4VdlHmOiNbKun0HyXeP0RDOLtoLYa6R//UfhHQcTTOEndtzxX1sDoBeulspKlIy6pOiRbm4E2d" +
      "ON9of4TCe4wk8tUCAwEAAaNTMFEwHQYDVR0OBBYEFLInq68kLQPn/EHxut96SpMOby36MB8GA1UdIwQYMBaAFLInq68kLQPn" +
      "/EHxut96SpMOby36MA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEFBQADgYEAKV5HmoduItTPRB55NlG81T1Nc8ZEOWZY" +
      "D6xyHeCSEloQxpDeK/n3X0FZTTSMabeRCanv8onZz8m1FDFom/aQumeXBqIgLFFRSBM888BEU0dtbkOvgC8rbB4KdTFpkkwR" +
      "/JknKHcG5HK/m8iEsZ8/jLhxGMsZalDPEebeMNbXYTo=",
    hash: "sha256",
    endPoint: "7f87fc3f14bdce514ea06ab511cbac08ce05acfb59bc957edc9cf4452e32f60f",
    bindingsHash: "1ec6a9d5c533300e615334e64f80fa62",
  },
  "ecdsa-sha384": {
    signature: "ecdsa-with-SHA384",
    der:
      "MIIBiTCCAS+gAwIBAgIUfCfUmxz+MDz5W3tBW/JhWvTCQmIwCgYIKoZIzj0EAwMwGjEYMBYGA1UEAwwPZWMuY29udG9zby50" +
      "ZXN0MB4XDTI2MTEyMzA5MDMxM1oXDTM2MTEyMDA5MDMxM1owGjEYMBYGA1UEAwwPZWMuY29udG9zby50ZXN0MFkwEwYHKoZI" +
      "zj0CAQYIKoZIzj0DAQcDQgAE13x1ESaoD7GubtdOOTDWlzsb0JIHpydmi/CgYwNdGehbNlj9GB7Xlw/SAy5gmU2yR7iqf9Bl" +
      "OEWdHTfMuHNNTaNTMFEwHQYDVR0OBBYEFJ3mT0RDFlPU/EH2CXeD2VVzLsssMB8GA1UdIwQYMBaAFJ3mT0RDFlPU/EH2CXeD" +
      "2VVzLsssMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwMDSAAwRQIhAOII/xE0IjZcBpMOka76CwucTVPk6Ja9HJHAtwn9" +
      "87yBAiAx1C8mIIMze9T7D2u0zIUPAuiQXFv5bhvLPnBao3ElHA==",
    hash: "sha384",
    endPoint:
      "3f377c67e6885baf7414c6989a2b32da5eb9aae8532bbd90c40b2a9d5881bd415ec9cf99f833f53fcdb278d1a0ab1a2c",
    bindingsHash: "edbe39740eb961bc0bee031114feeb19",
  },
  "rsa-pss-sha512": {
    signature: "RSASSA-PSS with SHA-512",
    der:
      "MIICejCCAa+gAwIBAgIUWMgmsIq9hXayGCRQ35LfOLJEj8wwQQYJKoZIhvcNAQEKMDSgDzANBglghkgBZQMEAgMFAKEcMBoG" +
      "CSqGSIb3DQEBCDANBglghkgBZQMEAgMFAKIDAgEgMBsxGTAXBgNVBAMMEHBzcy5jb250b3NvLnRlc3QwHhcNMjYxMTIzMDkw" +
      "MzEzWhcNMzYxMTIwMDkwMzEzWjAbMRkwFwYDVQQDDBBwc3MuY29udG9zby50ZXN0MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCB" +
      "iQKBgQDRXMm2gMmJT2UqvAsbHYwQ4pGq/GCksBkgPho1hCTo8KsxjKlw/i5xdy0kFc96KRTrgWsXU1IsNCyRVFXlwERSimeL" +
      "p2Acu9AYBgtgkJIb46Mzy16+w1uRBuNo9KJbdXRvGcxA7lYFf4Yx1pMaltKq5HFzV2u64BFV+Wv1h4I2YwIDAQABo1MwUTAd" +
      "BgNVHQ4EFgQUCY1nn6Nxz8D8Hd6yh5CrbV6hs34wHwYDVR0jBBgwFoAUCY1nn6Nxz8D8Hd6yh5CrbV6hs34wDwYDVR0TAQH/" +
      "BAUwAwEB/zBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAwUAoRwwGgYJKoZIhvcNAQEIMA0GCWCGSAFlAwQCAwUAogMC" +
      "ASADgYEAEk5A75miYjAcNlKNjselHhdUMk/qkrE32v8PkeqlepMSetoUo583D6CGWVUj3y6aTxx/6k6NupHHz3Mt5KKppdj0" +
      "RpBklDMgf97gU0JhCzGeTAlRMZfq4p+/zMmGjcdh8OfMRv3asULKUX5tRxYZkoNoZlCr8QgMLckeWUFRSKE=",
    hash: "sha512",
    endPoint:
      "4fa9b3d69873159f24940852212220e13a7117a7d8dbfa27f077eccb52d5ad54e636453e4b0d2596ba69634eb77ecec6726a8071cb051e89ac82d5da573433fc",
    bindingsHash: "218d3745e0d0a1ce18c9c20ce9b0d90c",
  },
  ed25519: {
    signature: "Ed25519",
    der:
      "MIIBSDCB+6ADAgECAhRPmju80hcWr0jhRGSt3c3ickGGiTAFBgMrZXAwGjEYMBYGA1UEAwwPZWQuY29udG9zby50ZXN0MB4X" +
      "DTI2MTEyMzA5MDMxM1oXDTM2MTEyMDA5MDMxM1owGjEYMBYGA1UEAwwPZWQuY29udG9zby50ZXN0MCowBQYDK2VwAyEAApxR" +
      "zA/smbNQ6Y03KUtP/0MYo7D/JCJQ4vY/t1Yu32CjUzBRMB0GA1UdDgQWBBTNjzJet71BKP/LAyEh1OG5DugY2jAfBgNVHSME" +
      "GDAWgBTNjzJet71BKP/LAyEh1OG5DugY2jAPBgNVHRMBAf8EBTADAQH/MAUGAytlcANBAJJAAyHiFZsPUwIP0NTA2EE8pSY8" +
      "YxNyn/Ben5qNS593WqyyLyT447WSDnVYib1vru60AG8Ap7B+pTzEFmQ8gw8=",
  },
};
