import type { DemoContext } from "./context.js";
import { dovecotDemo } from "./dovecot-demo.js";
import { exchangeDemo } from "./exchange-demo.js";
import type { DemoSummary } from "./summary.js";

/** The whole demo: the simulated Exchange first, then Dovecot when installed. */
export async function runDemo(context: DemoContext): Promise<DemoSummary> {
  const started = performance.now();
  const exchange = await exchangeDemo(context);
  const dovecot = await dovecotDemo(context);
  return { ok: true, durationMs: Math.round(performance.now() - started), exchange, dovecot };
}
