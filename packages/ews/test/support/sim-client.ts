import type { ExchangeSim } from "@mailwire/exchange-sim";
import { createEwsClient, type EwsClient, type EwsClientOptions } from "../../src/index.js";

/** An EWS client for the sim's endpoint, with its owner's credentials and its CA. */
export function simEwsClient(sim: ExchangeSim, options: Partial<EwsClientOptions> = {}): EwsClient {
  return createEwsClient({
    url: new URL("/EWS/Exchange.asmx", sim.url),
    credentials: {
      username: sim.credentials.username,
      password: sim.credentials.password,
      domain: sim.credentials.domain,
    },
    tls: { ca: sim.caPem },
    ...options,
  });
}
