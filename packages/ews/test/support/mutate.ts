/**
 * A reply mutated for the "never a crash" properties: cut at `at` (one time in three, by `cut`),
 * otherwise `insert` put at `at` in place of up to four characters.
 */
export function mutateDocument(document: string, at: number, cut: number, insert: string): string {
  const position = at % document.length;
  return cut % 3 === 0
    ? document.slice(0, position)
    : document.slice(0, position) + insert + document.slice(position + (cut % 5));
}
