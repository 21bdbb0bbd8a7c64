import { equalBytes } from "../../bytes/encoding.js";
import { NtlmClient, type NtlmCredentials } from "../../ntlm/index.js";
import type { AuthProvider } from "./auth-provider.js";

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
  return {
    scheme: "NTLM",
    connectionBound: true,
    createSession: ({ url, peerCertificate }) => {
      const options = {
        // NtlmClient splits `DOMAIN\user` and UPN forms itself (parseNtlmUserName).
        username: credentials.username,
        password: credentials.password,
        targetName: `HTTP/${url.hostname}`,
        ...(credentials.domain === undefined ? {} : { domain: credentials.domain }),
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
