import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EwsMailboxAdapter } from "../../src/adapters/ews/ews-mailbox.js";
import { openEwsMailbox } from "../../src/adapters/ews/open-ews-mailbox.js";

// EWS send (CreateItem SendAndSaveCopy) against exchange-sim: the copy lands in Sent Items.

let sim: ExchangeSim;
let mailbox: EwsMailboxAdapter;

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 10, largeMessageBytes: 0 } });
  mailbox = await openEwsMailbox({
    client: {
      url: new URL("/EWS/Exchange.asmx", sim.url),
      credentials: {
        username: sim.credentials.username,
        password: sim.credentials.password,
        domain: sim.credentials.domain,
      },
      tls: { ca: sim.caPem },
    },
  });
});
afterAll(async () => {
  await mailbox?.close();
  await sim?.close();
});

function sentRaw(subject: string): string | undefined {
  const sent = sim.store.messages(sim.store.specialFolder("sent").id);
  const found = sent.find((message) => message.fixture.subject === subject);
  return found === undefined ? undefined : Buffer.from(found.raw).toString("utf8");
}

describe("ews adapter send", () => {
  it("sends a text message and files the copy in Sent Items", async () => {
    const subject = `EWS send ${Date.now()}`;
    await mailbox.send({
      to: [{ name: "Bob", address: "bob@contoso.example" }],
      subject,
      text: "Hello from the contract.\nSecond line.",
    });
    const raw = sentRaw(subject);
    expect(raw).toContain("To: bob@contoso.example");
    expect(raw).toContain("Second line.");
    const sent = (await mailbox.folders()).find((folder) => folder.role === "sent");
    const listed = [];
    for await (const summary of mailbox.list(sent?.id ?? "")) listed.push(summary.subject);
    expect(listed).toContain(subject);
  });

  it("sends attachments inside MIME content, non-ASCII file name and bytes intact", async () => {
    const subject = `EWS send with attachment ${Date.now()}`;
    const content = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    await mailbox.send({
      to: [{ address: "carol@contoso.example" }],
      bcc: [{ address: "audit@contoso.example" }],
      subject,
      html: "<p>See the <b>attached</b> notes.</p>",
      attachments: [{ name: "Übersicht – Zahlen.bin", contentType: "application/octet-stream", content }],
    });
    const raw = sentRaw(subject);
    if (raw === undefined) throw new Error("no copy in Sent Items");
    expect(raw).not.toMatch(/^Bcc:/im);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.html).toContain("<b>attached</b>");
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["Übersicht – Zahlen.bin"]);
    expect(
      Buffer.compare(Buffer.from(parsed.attachments[0]?.content as ArrayBuffer), Buffer.from(content)),
    ).toBe(0);
  });

  it("an injected send replaces CreateItem", async () => {
    const sent: string[] = [];
    const custom = await openEwsMailbox({
      client: {
        url: new URL("/EWS/Exchange.asmx", sim.url),
        credentials: {
          username: sim.credentials.username,
          password: sim.credentials.password,
          domain: sim.credentials.domain,
        },
        tls: { ca: sim.caPem },
      },
      send: async (message) => {
        sent.push(message.subject);
      },
    });
    try {
      const before = sim.store.messages().length;
      await custom.send({ to: [{ address: "dave@contoso.example" }], subject: "via SMTP" });
      expect(sent).toEqual(["via SMTP"]);
      expect(sim.store.messages()).toHaveLength(before);
    } finally {
      await custom.close();
    }
  });
});
