import { publint } from "publint";
import { formatMessage } from "publint/utils";

/**
 * publint in strict mode: errors and warnings fail, suggestions are passed on as notes. Packing
 * with npm (rather than linting the folder) lets publint tell "missing" from "not published".
 */
export async function runPublint(info) {
  const started = performance.now();
  let result;
  try {
    result = await publint({ pkgDir: info.dir, pack: "npm", strict: true, level: "suggestion" });
  } catch (error) {
    return { ok: false, cell: "FAIL", output: `publint threw: ${error.stack ?? error}` };
  }
  const lines = result.messages.map(
    (message) => `${message.type}: ${formatMessage(message, result.pkg, { color: false }) ?? message.code}`,
  );
  const failures = result.messages.filter((message) => message.type !== "suggestion").length;
  const suggestions = result.messages.length - failures;
  return {
    ok: failures === 0,
    cell: failures > 0 ? `FAIL (${failures})` : suggestions > 0 ? `ok (${suggestions} hint)` : "ok",
    output: lines.join("\n"),
    durationMs: Math.round(performance.now() - started),
  };
}
