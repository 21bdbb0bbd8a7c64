import type { EwsResult } from "@mailwire/ews";

/** Throws the first failed item's error of an EWS batch (each result carries its own). */
export function throwOnError<T>(results: readonly EwsResult<T>[]): T[] {
  const values: T[] = [];
  for (const result of results) {
    if (!result.ok) throw result.error;
    values.push(result.value);
  }
  return values;
}
