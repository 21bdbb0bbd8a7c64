import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe } from "vitest";
import { openMapiHttpMailbox } from "../../src/adapters/mapi/open-mapi-http-mailbox.js";
import { mailboxContract } from "./contract.js";
import { newMessage } from "./new-message.js";
import { simMapiSession } from "./sim-mapi-session.js";
import { simInboxOrder } from "./sim-order.js";

// The Mailbox contract over MAPI/HTTP (MapiSession on MapiHttpMailboxTransport) against
// exchange-sim (HTTPS, NTLMv2) on the shared fixture store.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim?.close();
});

describe("mapi-http adapter against exchange-sim", () => {
  mailboxContract({
    open: () =>
      openMapiHttpMailbox({
        session: simMapiSession(sim),
      }),
    inbox: () => simInboxOrder(sim),
    roles: ["inbox", "sent", "drafts", "trash", "junk", "outbox"],
    canSend: true,
    deliver: async (subject) => {
      sim.store.addMessage(sim.store.specialFolder("inbox").id, newMessage(subject, sim.credentials.email));
    },
    pollIntervalMs: 300,
  });
});
