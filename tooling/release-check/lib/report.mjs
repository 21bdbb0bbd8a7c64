import { STEPS } from "./check-package.mjs";

/** One row per package, one column per step, padded for a terminal. */
export function summaryTable(results) {
  const header = ["package", ...STEPS, "time"];
  const rows = results.map((result) => [
    result.name,
    ...STEPS.map((step) => result.steps[step].cell),
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** The failing tools' output, then publint's hints, grouped by package and step. */
export function failureDetails(results) {
  const sections = [];
  for (const result of results) {
    for (const step of STEPS) {
      const outcome = result.steps[step];
      if (outcome.status === "FAIL")
        sections.push(`--- ${result.name}: ${step} FAILED ---\n${outcome.output.trim()}`);
    }
  }
  for (const result of results) {
    for (const note of result.notes ?? []) sections.push(`--- ${result.name}: note ---\n${note}`);
    const publint = result.steps.publint;
    if (publint.status === "ok" && publint.output)
      sections.push(`--- ${result.name}: publint hints ---\n${publint.output}`);
  }
  return sections.join("\n\n");
}
