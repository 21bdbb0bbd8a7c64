import type { ExchangeSim } from "@mailwire/exchange-sim";
import type { openMapiHttpMailbox } from "../../src/adapters/mapi/open-mapi-http-mailbox.js";

type MapiSessionOptions = Parameters<typeof openMapiHttpMailbox>[0]["session"];

/** MAPI/HTTP session options for the simulator's user: its mailbox URL, DN, credentials and CA. */
export function simMapiSession(sim: ExchangeSim): MapiSessionOptions {
  return {
    url: `${sim.origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(sim.credentials.email)}`,
    userDn: `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`,
    httpOptions: {
      credentials: {
        username: sim.credentials.username,
        password: sim.credentials.password,
        domain: sim.credentials.domain,
      },
      tls: { ca: sim.caPem },
    },
  };
}
