import type { ExchangeSim } from "@mailwire/exchange-sim";

/** The sim's user as NTLM credentials (the sim's `credentials` also carries the e-mail address). */
export function simCredentials(sim: ExchangeSim): { username: string; password: string; domain: string } {
  return {
    username: sim.credentials.username,
    password: sim.credentials.password,
    domain: sim.credentials.domain,
  };
}

/** The sim user's mailbox DN (EcDoConnectEx's szUserDN, MS-OXCRPC 3.1.4.11). */
export function simUserDn(sim: ExchangeSim): string {
  return `/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${sim.credentials.username}`;
}
