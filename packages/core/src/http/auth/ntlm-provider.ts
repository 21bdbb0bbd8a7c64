import { equalBytes } from "../../bytes/encoding.js";
import { NtlmClient } from "../../ntlm/index.js";
import type { AuthProvider } from "./auth-provider.js";

export interface NtlmCredentials {
  readonly username: string;
  readonly password: string;
  readonly domain?: string | undefined;
  readonly workstation?: string | undefined;
}

/** `DOMAIN\user` is how Windows users type it; NTLM wants the two apart. */
function splitDomain(credentials: NtlmCredentials): { username: string; domain: string | undefined } {
  const slash = credentials.username.indexOf("\\");
  if (credentials.domain === undefined && slash > 0) {
    return { domain: credentials.username.slice(0, slash), username: credentials.username.slice(slash + 1) };
  }
  return { username: credentials.username, domain: credentials.domain };
}

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/**
 * NTLM over HTTP (MS-NLMP; the HTTP binding is the `NTLM <base64>` Authorization header).
 * Connection-bound: NEGOTIATE, CHALLENGE and AUTHENTICATE must share one TCP connection.
 *
 * The certificate for channel binding is only known once the connection is open, which
 * may be after NEGOTIATE was built. NEGOTIATE does not depend on it, so the AUTHENTICATE
 * leg rebuilds the client with the certificate and checks that it produces the very same
 * NEGOTIATE bytes (the MIC covers them).
 */
export function ntlmProvider(credentials: NtlmCredentials): AuthProvider {
  const { username, domain } = splitDomain(credentials);
  return {
    scheme: "NTLM",
    connectionBound: true,
    createSession: ({ url, peerCertificate }) => {
      const options = {
        username,
        password: credentials.password,
        targetName: `HTTP/${url.hostname}`,
        ...(domain === undefined ? {} : { domain }),
        ...(credentials.workstation === undefined ? {} : { workstation: credentials.workstation }),
      };
      let negotiate: Uint8Array | undefined;
      let client: NtlmClient | undefined;
      return {
        next: (serverToken) => {
          if (serverToken === undefined || !negotiate) {
            client = new NtlmClient(options);
            negotiate = client.createNegotiate();
            return toBase64(negotiate);
          }
          const certificate = peerCertificate();
          if (certificate && client) {
            const bound = new NtlmClient({ ...options, serverCertificate: certificate });
            if (equalBytes(bound.createNegotiate(), negotiate)) client = bound;
          }
          const challenge = new Uint8Array(Buffer.from(serverToken, "base64"));
          return toBase64((client as NtlmClient).createAuthenticate(challenge));
        },
      };
    },
  };
}
