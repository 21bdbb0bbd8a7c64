import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpSender } from "../../src/smtp/smtp-sender.js";

// SMTP submission (nodemailer) to exchange-sim's listeners: the message lands in the one store,
// so every protocol module sees it.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 5, largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim?.close();
});

const secret = () => ({ kind: "password" as const, password: sim.credentials.password });

describe("SMTP submission to exchange-sim", () => {
  for (const mode of ["starttls", "tls"] as const) {
    it(`delivers over ${mode} into the Inbox with its attachment`, async () => {
      const listener = mode === "tls" ? sim.smtps : sim.smtp;
      const sender = createSmtpSender({
        server: { host: listener.host, port: listener.port, encryption: mode },
        username: sim.credentials.email,
        secret: secret(),
        ca: sim.caPem,
      });
      const subject = `smtp ${mode} ünïcode`;
      const result = await sender.send({
        from: { address: sim.credentials.email },
        to: [{ name: "Me", address: sim.credentials.email }],
        subject,
        text: "line one\nline two",
        attachments: [
          { name: "report.csv", contentType: "text/csv", content: new TextEncoder().encode("a,b\n1,2\n") },
        ],
      });
      sender.close();
      expect(result.accepted).toEqual([sim.credentials.email]);
      const stored = sim.store
        .messages(sim.store.specialFolder("inbox").id)
        .find((m) => m.fixture.subject === subject);
      expect(stored?.fixture.text).toContain("line one\nline two");
      expect(stored?.fixture.attachments.map((a) => [a.name, new TextDecoder().decode(a.bytes)])).toEqual([
        ["report.csv", "a,b\n1,2\n"],
      ]);
    });
  }

  it("a wrong password is an AuthError naming smtp and the authenticate step, without the password", async () => {
    const sender = createSmtpSender({
      server: { host: sim.smtp.host, port: sim.smtp.port, encryption: "starttls" },
      username: sim.credentials.email,
      secret: { kind: "password", password: "not-the-password" },
      ca: sim.caPem,
    });
    const error = await sender
      .send({
        from: { address: sim.credentials.email },
        to: [{ address: sim.credentials.email }],
        subject: "x",
        text: "y",
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    sender.close();
    expect(error).toMatchObject({
      code: "MW_AUTH_FAILED",
      details: { protocol: "smtp", step: "authenticate", responseCode: 535 },
    });
    expect(error?.message).not.toContain("not-the-password");
  });

  it("refuses to send a password to a server without TLS", () => {
    expect(() =>
      createSmtpSender({
        server: { host: "127.0.0.1", port: 25, encryption: "none" },
        username: "u",
        secret: secret(),
      }),
    ).toThrow(expect.objectContaining({ code: "MW_INSECURE_AUTH_REFUSED" }));
  });
});
