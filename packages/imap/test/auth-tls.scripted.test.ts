import {
  AuthError,
  AvId,
  decodeAuthenticate,
  decodeNegotiate,
  ErrorCode,
  encodeChallenge,
  NegotiateFlag,
  TlsError,
  type TokenProvider,
  textAvPair,
} from "@mailwire/core";
import { afterEach, describe, expect, it } from "vitest";
import { resolveTransport } from "../src/connection/tls-policy.js";
import { connectImap, type ImapConnectOptions } from "../src/index.js";
import {
  type ClientCommand,
  type ScriptedImapPeer,
  type ScriptedImapServer,
  serveAfterLogin,
  serveUntil,
  startScriptedImapServer,
} from "./support/scripted-imap-server.js";

// Dovecot in the test harness offers neither NTLM nor OAuth, and a real server will not strip
// its own STARTTLS capability: these paths are pinned against a server scripted in the test.

const AFTER_LOGIN = "IMAP4rev1 NAMESPACE";
const servers: ScriptedImapServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: (peer: ScriptedImapPeer) => Promise<void>): Promise<ScriptedImapServer> {
  const server = await startScriptedImapServer(script);
  servers.push(server);
  return server;
}

function plaintext(port: number, overrides: Partial<ImapConnectOptions>): ImapConnectOptions {
  return {
    host: "127.0.0.1",
    port,
    tls: "none",
    auth: { username: "alice", password: "unused" },
    timeoutMs: 10_000,
    ...overrides,
  } as ImapConnectOptions;
}

const base64 = (text: string | Uint8Array): string => Buffer.from(text).toString("base64");
const decode = (text: string): string => Buffer.from(text, "base64").toString("utf8");

/** The SASL initial response of an AUTHENTICATE line, or the first `+` round when there is none. */
async function initialResponse(peer: ScriptedImapPeer, command: ClientCommand): Promise<string> {
  const inline = command.args[1];
  if (inline !== undefined && inline !== "=") return inline;
  peer.send("+ ");
  return (await peer.readLine()) ?? "";
}

function ntlmChallenge(): Uint8Array {
  const F = NegotiateFlag;
  return encodeChallenge({
    flags:
      (F.NTLMSSP_NEGOTIATE_UNICODE |
        F.NTLMSSP_REQUEST_TARGET |
        F.NTLMSSP_NEGOTIATE_NTLM |
        F.NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
        F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
        F.NTLMSSP_NEGOTIATE_TARGET_INFO |
        F.NTLMSSP_NEGOTIATE_128) >>>
      0,
    serverChallenge: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    targetName: "CONTOSO",
    targetInfo: [
      textAvPair(AvId.MsvAvNbDomainName, "CONTOSO"),
      textAvPair(AvId.MsvAvNbComputerName, "MAIL01"),
    ],
  });
}

describe("NTLM against a scripted server", () => {
  it.each([
    ["with SASL-IR", "SASL-IR "],
    ["without SASL-IR", ""],
  ])("NEGOTIATE, CHALLENGE, AUTHENTICATE %s", async (_label, saslIr) => {
    const capabilities = `IMAP4rev1 ${saslIr}AUTH=NTLM AUTH=PLAIN`;
    let user: string | undefined;
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
      const command = await serveUntil(peer, capabilities, ["AUTHENTICATE", "LOGIN"]);
      if (command?.args[0]?.toUpperCase() !== "NTLM") {
        peer.send(`${command?.tag ?? "*"} NO wrong mechanism`);
        return;
      }
      const negotiate = decodeNegotiate(Buffer.from(await initialResponse(peer, command), "base64"));
      expect(negotiate.flags & NegotiateFlag.NTLMSSP_NEGOTIATE_UNICODE).not.toBe(0);
      peer.send(`+ ${base64(ntlmChallenge())}`);
      const authenticate = decodeAuthenticate(Buffer.from((await peer.readLine()) ?? "", "base64"));
      user = authenticate.userName;
      // NTLMv2: a 16-byte proof plus the client blob, never the 24-byte v1 response.
      expect(authenticate.ntChallengeResponse.length).toBeGreaterThan(24);
      peer.send(`${command.tag} OK [CAPABILITY ${AFTER_LOGIN}] Logged in`);
      await serveAfterLogin(peer, AFTER_LOGIN);
    });
    // NTLM keeps the password off the wire, so it runs on plaintext without allowInsecureAuth.
    const session = await connectImap(
      plaintext(server.port, { auth: { username: "alice", password: "Pa55word!" } }),
    );
    expect(session.method).toBe("NTLM");
    expect(user).toBe("alice");
    await session.noop();
    await session.close();
    const wire = server.peers[0]?.received.join("\n") ?? "";
    expect(wire).not.toContain("Pa55word!");
    expect(wire).not.toMatch(/ ID /);
  });

  it("a refused NTLM login is AuthError MW_AUTH_FAILED with the response code", async () => {
    const capabilities = "IMAP4rev1 SASL-IR AUTH=NTLM";
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
      const command = await serveUntil(peer, capabilities, ["AUTHENTICATE"]);
      if (command === undefined) return;
      await initialResponse(peer, command);
      peer.send(`+ ${base64(ntlmChallenge())}`);
      await peer.readLine();
      peer.send(`${command.tag} NO [AUTHENTICATIONFAILED] Authentication failed.`);
      await serveAfterLogin(peer, capabilities);
    });
    const error = await connectImap(
      plaintext(server.port, { auth: { username: "alice", password: "wrong" } }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe(ErrorCode.AUTH_FAILED);
    expect((error as AuthError).details).toMatchObject({ responseCode: "AUTHENTICATIONFAILED" });
    expect(server.peers).toHaveLength(1);
  });
});

/**
 * A server for XOAUTH2 (Google/Microsoft framing) and OAUTHBEARER (RFC 7628): accepts only
 * `goodToken`; for any other token it sends the JSON error challenge, waits for the client's
 * dummy response and fails with [AUTHENTICATIONFAILED], as Gmail and Office 365 do.
 */
function oauthServer(capabilities: string, goodToken: string, seenTokens: string[]) {
  return async (peer: ScriptedImapPeer): Promise<void> => {
    peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
    for (;;) {
      const command = await serveUntil(peer, capabilities, ["AUTHENTICATE", "LOGIN"]);
      if (command === undefined) return;
      const mechanism = command.args[0]?.toUpperCase();
      if (command.name !== "AUTHENTICATE" || (mechanism !== "XOAUTH2" && mechanism !== "OAUTHBEARER")) {
        peer.send(`${command.tag} NO unexpected`);
        return;
      }
      const message = decode(await initialResponse(peer, command));
      const token = /auth=Bearer ([^\x01]*)\x01/.exec(message)?.[1] ?? "";
      seenTokens.push(`${mechanism}:${token}`);
      if (mechanism === "XOAUTH2") expect(message).toMatch(/^user=alice@contoso\.com\x01auth=Bearer /);
      else
        expect(message).toMatch(
          /^n,a=alice@contoso\.com,\x01(?:host=127\.0\.0\.1\x01port=\d+\x01)?auth=Bearer /,
        );
      if (token === goodToken) {
        peer.send(`${command.tag} OK [CAPABILITY ${AFTER_LOGIN}] Logged in`);
        await serveAfterLogin(peer, AFTER_LOGIN);
        return;
      }
      peer.send(`+ ${base64(JSON.stringify({ status: "401", schemes: "Bearer", scope: "https://mail" }))}`);
      const dummy = await peer.readLine();
      expect(dummy === "" || dummy === "AQ==").toBe(true);
      peer.send(`${command.tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
    }
  };
}

describe("XOAUTH2 and OAUTHBEARER against a scripted server", () => {
  it.each(["XOAUTH2", "OAUTHBEARER"])("%s: a token the server accepts", async (mechanism) => {
    const seen: string[] = [];
    const server = await serve(oauthServer(`IMAP4rev1 SASL-IR AUTH=${mechanism}`, "good", seen));
    const calls: boolean[] = [];
    const tokenProvider: TokenProvider = ({ forceRefresh }) => {
      calls.push(forceRefresh);
      return "good";
    };
    const session = await connectImap(
      plaintext(server.port, {
        auth: { username: "alice@contoso.com", tokenProvider },
        allowInsecureAuth: true,
      }),
    );
    expect(session.method).toBe(mechanism);
    expect(calls).toEqual([false]);
    expect(seen).toEqual([`${mechanism}:good`]);
    await session.close();
  });

  it.each(["XOAUTH2", "OAUTHBEARER"])(
    "%s: a rejected token is replaced once with forceRefresh: true on the same connection",
    async (mechanism) => {
      const seen: string[] = [];
      const server = await serve(oauthServer(`IMAP4rev1 AUTH=${mechanism}`, "fresh", seen));
      const calls: boolean[] = [];
      const tokenProvider: TokenProvider = async ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return forceRefresh ? "fresh" : "stale";
      };
      const session = await connectImap(
        plaintext(server.port, {
          auth: { username: "alice@contoso.com", tokenProvider },
          allowInsecureAuth: true,
        }),
      );
      expect(session.method).toBe(mechanism);
      expect(calls).toEqual([false, true]);
      expect(seen).toEqual([`${mechanism}:stale`, `${mechanism}:fresh`]);
      expect(server.peers).toHaveLength(1);
      await session.noop();
      await session.close();
    },
  );

  it("a token rejected twice ends in MW_AUTH_FAILED after exactly one refresh, no token in the error", async () => {
    const seen: string[] = [];
    const server = await serve(oauthServer("IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER", "never", seen));
    const calls: boolean[] = [];
    const error = await connectImap(
      plaintext(server.port, {
        auth: {
          username: "alice@contoso.com",
          tokenProvider: ({ forceRefresh }) => {
            calls.push(forceRefresh);
            return forceRefresh ? "secret-token-2" : "secret-token-1";
          },
        },
        allowInsecureAuth: true,
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe(ErrorCode.AUTH_FAILED);
    expect(calls).toEqual([false, true]);
    // OAUTHBEARER is preferred when both are offered.
    expect(seen).toEqual(["OAUTHBEARER:secret-token-1", "OAUTHBEARER:secret-token-2"]);
    expect(JSON.stringify(error)).not.toContain("secret-token");
    expect(String((error as Error).message)).not.toContain("secret-token");
  });

  it("tokens are refused on plaintext without allowInsecureAuth, before anything is sent", async () => {
    const seen: string[] = [];
    const server = await serve(oauthServer("IMAP4rev1 SASL-IR AUTH=XOAUTH2", "good", seen));
    let asked = 0;
    const error = await connectImap(
      plaintext(server.port, {
        auth: { username: "alice@contoso.com", tokenProvider: () => String(++asked) },
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe(ErrorCode.INSECURE_AUTH_REFUSED);
    expect(asked).toBe(0);
    expect(seen).toEqual([]);
  });
});

describe("STARTTLS against a scripted server", () => {
  it("port 143 defaults to required STARTTLS", () => {
    expect(resolveTransport({ host: "h", port: 143, auth: { username: "u", password: "p" } }).mode).toBe(
      "starttls",
    );
  });

  it("a stripped STARTTLS capability is TlsError MW_STARTTLS_UNAVAILABLE, no credential sent", async () => {
    const capabilities = "IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN ID";
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
      await serveAfterLogin(peer, capabilities);
    });
    const error = await connectImap(
      plaintext(server.port, { tls: "starttls", auth: { username: "alice", password: "Pa55word!" } }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe(ErrorCode.STARTTLS_UNAVAILABLE);
    const wire = server.peers[0]?.received ?? [];
    expect(wire.filter((line) => / (AUTHENTICATE|LOGIN|ID) /i.test(line))).toEqual([]);
    expect(wire.join("\n")).not.toContain("Pa55word!");
  });

  it("bytes injected after the STARTTLS OK are TlsError MW_STARTTLS_INJECTION, no credential sent", async () => {
    const capabilities = "IMAP4rev1 STARTTLS LOGINDISABLED ID";
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
      const command = await serveUntil(peer, capabilities, ["STARTTLS"]);
      if (command === undefined) return;
      // The tagged OK and a forged response in one TCP segment (CVE-2011-0411 style).
      peer.send(`${command.tag} OK Begin TLS negotiation now`, "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
      await peer.readLine();
    });
    const error = await connectImap(
      plaintext(server.port, { tls: "starttls", auth: { username: "alice", password: "Pa55word!" } }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe(ErrorCode.STARTTLS_INJECTION);
    const wire = server.peers[0]?.received ?? [];
    expect(wire.filter((line) => / (AUTHENTICATE|LOGIN|ID) /i.test(line))).toEqual([]);
  });

  it("a refused STARTTLS is TlsError MW_STARTTLS_UNAVAILABLE", async () => {
    const capabilities = "IMAP4rev1 STARTTLS AUTH=PLAIN";
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${capabilities}] ready`);
      const command = await serveUntil(peer, capabilities, ["STARTTLS"]);
      if (command === undefined) return;
      peer.send(`${command.tag} NO TLS is not available right now`);
      await serveAfterLogin(peer, capabilities);
    });
    const error = await connectImap(plaintext(server.port, { tls: "starttls" })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe(ErrorCode.STARTTLS_UNAVAILABLE);
  });

  it("a cleartext PREAUTH greeting when STARTTLS is required is TlsError MW_STARTTLS_UNAVAILABLE", async () => {
    // A man in the middle can answer PREAUTH to skip the not-authenticated state, and with it STARTTLS.
    const server = await serve(async (peer) => {
      peer.send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] already logged in");
      await serveAfterLogin(peer, "IMAP4rev1 STARTTLS");
    });
    const error = await connectImap(plaintext(server.port, { tls: "starttls" })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe(ErrorCode.STARTTLS_UNAVAILABLE);
  });
});

describe("after a mailwire SASL login", () => {
  it("capabilities are read again when the login OK carries none (RFC 9051 §7.2.2)", async () => {
    const before = "IMAP4rev1 SASL-IR AUTH=NTLM";
    const after = "IMAP4rev1 NAMESPACE CONDSTORE";
    const server = await serve(async (peer) => {
      peer.send(`* OK [CAPABILITY ${before}] ready`);
      const command = await serveUntil(peer, before, ["AUTHENTICATE"]);
      if (command === undefined) return;
      await initialResponse(peer, command);
      peer.send(`+ ${base64(ntlmChallenge())}`);
      await peer.readLine();
      peer.send(`${command.tag} OK Logged in`);
      await serveAfterLogin(peer, after);
    });
    const session = await connectImap(plaintext(server.port, {}));
    expect(session.method).toBe("NTLM");
    expect(session.client.capabilities.has("CONDSTORE")).toBe(true);
    expect(server.peers[0]?.received.filter((line) => / CAPABILITY$/.test(line))).toHaveLength(1);
    await session.close();
  });
});
