import { buffer } from "node:stream/consumers";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MapiMailboxAdapter } from "../../src/adapters/mapi/mapi-mailbox.js";
import { openMapiHttpMailbox } from "../../src/adapters/mapi/open-mapi-http-mailbox.js";
import { simMapiSession } from "./sim-mapi-session.js";

// MAPI send through MapiSession.sendMessage (RopCreateMessage in the Outbox, properties,
// recipients, attachment streams, RopSubmitMessage) against exchange-sim: the copy is filed in
// Sent Items and, addressed to the user, delivered to the Inbox.

let sim: ExchangeSim;
let mailbox: MapiMailboxAdapter;

const open = (send?: MapiMailboxAdapter["send"]) =>
  openMapiHttpMailbox({
    session: simMapiSession(sim),
    ...(send === undefined ? {} : { send }),
  });

beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 10, largeMessageBytes: 0 } });
  mailbox = await open();
});
afterAll(async () => {
  await mailbox?.close();
  await sim?.close();
});

describe("mapi-http adapter send", () => {
  it("submits a message with an attachment: the copy in Sent Items, delivered to the Inbox", async () => {
    const subject = `MAPI send ${Date.now()}`;
    const content = new Uint8Array(Array.from({ length: 40_000 }, (_, i) => (i * 31) % 256));
    await mailbox.send({
      to: [{ name: "Alex", address: sim.credentials.email }],
      cc: [{ address: "carol@contoso.example" }],
      subject,
      text: "Numbers attached.",
      attachments: [{ name: "Zahlen – Übersicht.bin", contentType: "application/octet-stream", content }],
    });
    const folders = await mailbox.folders();
    for (const role of ["sent", "inbox"] as const) {
      const folder = folders.find((f) => f.role === role);
      const found = [];
      for await (const summary of mailbox.search(folder?.id ?? "", { subject })) found.push(summary);
      expect(found, role).toHaveLength(1);
      const detail = await mailbox.read(found[0]?.id ?? "");
      expect(detail.text?.trim()).toBe("Numbers attached.");
      expect(detail.to.map((a) => a.address)).toEqual([sim.credentials.email]);
      expect(detail.cc.map((a) => a.address)).toEqual(["carol@contoso.example"]);
      expect(detail.attachments.map((a) => a.name)).toEqual(["Zahlen – Übersicht.bin"]);
      const bytes = await buffer(await mailbox.openAttachment(detail.id, detail.attachments[0]?.id ?? ""));
      expect(Buffer.compare(bytes, Buffer.from(content))).toBe(0);
    }
  });

  it("an injected send replaces submission", async () => {
    const sent: string[] = [];
    const custom = await open(async (message) => {
      sent.push(message.subject);
    });
    try {
      await custom.send({ to: [{ address: "carol@contoso.example" }], subject: "via SMTP" });
      expect(sent).toEqual(["via SMTP"]);
    } finally {
      await custom.close();
    }
  });
});
