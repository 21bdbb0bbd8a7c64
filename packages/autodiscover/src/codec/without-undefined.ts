/** `{ a: undefined, b: 1 }` → `{ b: 1 }`, typed so it fits interfaces under exactOptionalPropertyTypes. */
export type WithoutUndefined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

export function withoutUndefined<T extends object>(value: T): WithoutUndefined<T> {
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) result[key] = entry;
  return result as WithoutUndefined<T>;
}

/** Like withoutUndefined, but undefined when nothing is left. */
export function nonEmpty<T extends object>(value: T): WithoutUndefined<T> | undefined {
  const result = withoutUndefined(value);
  return Object.keys(result).length === 0 ? undefined : result;
}
