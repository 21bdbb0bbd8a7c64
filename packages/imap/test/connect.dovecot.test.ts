import { ErrorCode, type Logger } from "@mailwire/core";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { afterEach, expect, it } from "vitest";
import { connectImap, type ImapConnectOptions, type ImapSession } from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";

describeWithDovecot("@mailwire/imap connection, TLS and login against Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
  const sessions: ImapSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });

  const options = (overrides: Partial<ImapConnectOptions> = {}): ImapConnectOptions =>
    dovecotImapsOptions(dovecot(), "fixture", overrides);

  async function open(overrides: Partial<ImapConnectOptions> = {}): Promise<ImapSession> {
    const session = await connectImap(options(overrides));
    sessions.push(session);
    return session;
  }

  it("implicit TLS: SCRAM-SHA-256 is chosen as the strongest mechanism", async () => {
    const session = await open();
    expect(session.method).toBe("SCRAM-SHA-256");
    expect(session.tls).toBe("implicit");
    expect(session.client.secureConnection).toBe(true);
  });

  it("STARTTLS on the cleartext port, ID only after TLS", async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message) => lines.push(message),
      warn: (message) => lines.push(message),
    };
    const session = await open({ port: dovecot().ports.imap, tls: "starttls", logger });
    expect(session.tls).toBe("starttls");
    expect(session.client.secureConnection).toBe(true);
    const starttls = lines.findIndex((line) => / STARTTLS$/.test(line));
    const firstId = lines.findIndex((line) => / ID \(/.test(line));
    expect(starttls).toBeGreaterThanOrEqual(0);
    expect(firstId).toBeGreaterThan(starttls);
    expect(session.client.serverInfo).toBeTruthy();
  });

  it.each(["PLAIN", "LOGIN", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5"])(
    "logs in with %s",
    async (mechanism) => {
      const session = await open({ mechanisms: [mechanism] });
      expect(session.method).toBe(mechanism);
      await session.noop();
    },
  );

  it("a non-ASCII password works with SCRAM-SHA-256 and PLAIN", async () => {
    const user = dovecot().user("unicode");
    for (const mechanism of ["SCRAM-SHA-256", "PLAIN"]) {
      const session = await open({
        auth: { username: user.username, password: user.password },
        mechanisms: [mechanism],
      });
      expect(session.method).toBe(mechanism);
    }
  });

  it("a wrong password fails once with MW_AUTH_FAILED, the password nowhere in the error or log", async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push(message, JSON.stringify(fields)),
      warn: (message, fields) => lines.push(message, JSON.stringify(fields)),
      error: (message, fields) => lines.push(message, JSON.stringify(fields)),
    };
    const wrong = "definitely-Wrong-password-42";
    for (const mechanism of ["SCRAM-SHA-256", "PLAIN", "LOGIN"]) {
      lines.length = 0;
      const user = dovecot().user("fixture");
      const error = await connectImap(
        options({ auth: { username: user.username, password: wrong }, mechanisms: [mechanism], logger }),
      ).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.AUTH_FAILED, name: "AuthError" });
      expect((error as { details: Record<string, unknown> }).details.responseCode).toBe(
        "AUTHENTICATIONFAILED",
      );
      const authenticates = lines.filter((line) => /AUTHENTICATE/.test(line) && !line.startsWith("{"));
      expect(authenticates).toHaveLength(1);
      const everything = JSON.stringify({ error, message: (error as Error).message, lines });
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(Buffer.from(wrong).toString("base64"));
    }
  });

  it("an untrusted certificate fails with MW_TLS before any credential is sent", async () => {
    const error = await connectImap(options({ tlsOptions: {} })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.TLS });
  });

  it("a wrong servername fails certificate verification", async () => {
    const error = await connectImap(
      options({ tlsOptions: { ca: dovecot().caPem, servername: "not-the-server.example" } }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.TLS });
  });

  it("tls: none stays in plaintext, sends no ID, and never puts the password on the wire", async () => {
    const server = dovecot();
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message) => lines.push(message),
      warn: (message) => lines.push(message),
    };
    // Before TLS Dovecot offers only mechanisms that keep the password off the wire, so SCRAM works.
    const session = await open({ port: server.ports.imap, tls: "none", logger });
    expect(session.method).toBe("SCRAM-SHA-256");
    expect(session.client.secureConnection).toBe(false);
    await session.noop();
    expect(lines.filter((line) => /^\S+ (STARTTLS|ID|LOGIN)(?: |$)/.test(line))).toEqual([]);
    // With PLAIN forced and no opt-in, the policy refuses before asking the server.
    const forced = await connectImap(
      options({ port: server.ports.imap, tls: "none", mechanisms: ["PLAIN"] }),
    ).catch((caught: unknown) => caught);
    expect(forced).toMatchObject({ name: "AuthError" });
  });

  it("XOAUTH2/OAUTHBEARER are refused when the server does not offer them", async () => {
    const user = dovecot().user("fixture");
    const error = await connectImap(
      options({ auth: { username: user.username, tokenProvider: () => "token-value-123" } }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.AUTH_UNSUPPORTED });
  });

  it("connection refused maps to MW_CONNECTION", async () => {
    const error = await connectImap(options({ port: 1 })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.CONNECTION });
  });
});
