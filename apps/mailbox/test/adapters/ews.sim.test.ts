import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe } from "vitest";
import { openEwsMailbox } from "../../src/adapters/ews/open-ews-mailbox.js";
import { mailboxContract } from "./contract.js";
import { newMessage } from "./new-message.js";
import { simInboxOrder } from "./sim-order.js";

// The Mailbox contract over EWS against exchange-sim (HTTPS, NTLMv2) on the shared fixture store.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
});
afterAll(async () => {
  await sim?.close();
});

describe("ews adapter against exchange-sim", () => {
  mailboxContract({
    open: () =>
      openEwsMailbox({
        client: {
          url: new URL("/EWS/Exchange.asmx", sim.url),
          credentials: {
            username: sim.credentials.username,
            password: sim.credentials.password,
            domain: sim.credentials.domain,
          },
          tls: { ca: sim.caPem },
        },
      }),
    inbox: () => simInboxOrder(sim),
    roles: ["inbox", "sent", "drafts", "trash", "junk", "outbox"],
    canSend: true,
    deliver: async (subject) => {
      sim.store.addMessage(sim.store.specialFolder("inbox").id, newMessage(subject, sim.credentials.email));
    },
  });
});
