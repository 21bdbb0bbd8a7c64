import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const folder = fileURLToPath(new URL("../../../../shared/vectors/autodiscover/", import.meta.url));

export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${folder}${name}`));
}
