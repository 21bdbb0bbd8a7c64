import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { afterAll, beforeAll, describe } from "vitest";
import { openRpcHttpMailbox } from "../../src/adapters/mapi/open-rpc-http-mailbox.js";
import { mailboxContract } from "./contract.js";
import { newMessage } from "./new-message.js";
import { simInboxOrder } from "./sim-order.js";

// The Mailbox contract over RPC over HTTP v2 (MapiSession on EMSMDB through the sim's RPC proxy,
// HTTP-level NTLM on each channel, RPC-level NTLM with packet privacy inside) against
// exchange-sim's DCE/RPC server on the shared fixture store.

let sim: ExchangeSim;
beforeAll(async () => {
  sim = await startSim({ fixture: { messageCount: 40, largeMessageBytes: 0 } });
  // The proxy relays each virtual connection to the sim's ncacn_ip_tcp server, as an RPC proxy
  // relays to <server>:6001.
  sim.rpcProxy.configure({ backend: { host: "127.0.0.1", port: sim.rpc.port } });
});
afterAll(async () => {
  await sim?.close();
});

const credentials = () => ({
  username: sim.credentials.username,
  password: sim.credentials.password,
  domain: sim.credentials.domain,
});

describe("rpc-http adapter against exchange-sim", () => {
  mailboxContract({
    open: () =>
      openRpcHttpMailbox({
        proxy: {
          proxyUrl: sim.origin,
          server: "exch01.mailwire.test",
          credentials: credentials(),
          tls: { ca: sim.caPem },
          proxy: false,
        },
        session: {
          userDn: `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`,
          credentials: credentials(),
        },
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
