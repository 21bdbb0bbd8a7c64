// The human-readable narrative on stdout: section headers and aligned key/value lines,
// printed as each step finishes so a slow step shows where it is. Silent under --json.

export interface Narrator {
  section(title: string): void;
  line(key: string, value: string | number): void;
  note(text: string): void;
}

const KEY_WIDTH = 24;

export function createNarrator(write: (text: string) => void): Narrator {
  return {
    section: (title) => write(`\n${title}\n`),
    line: (key, value) => write(`  ${key.padEnd(KEY_WIDTH)} ${value}\n`),
    note: (text) => write(`  ${text}\n`),
  };
}

export const silentNarrator: Narrator = {
  section: () => {},
  line: () => {},
  note: () => {},
};
