import type { ExchangeSim } from "@mailwire/exchange-sim";
import type { FixtureMessage } from "@mailwire/fixtures";

/** The sim's Inbox as Exchange lists it: newest received first, ties by store id (descending). */
export function simInboxOrder(sim: ExchangeSim): FixtureMessage[] {
  return sim.store
    .messages(sim.store.specialFolder("inbox").id)
    .sort((a, b) => b.fixture.date.getTime() - a.fixture.date.getTime() || b.id.localeCompare(a.id))
    .map((message) => message.fixture);
}
