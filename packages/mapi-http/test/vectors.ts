import { readFileSync } from "node:fs";

// /work/shared/vectors, reached from packages/mapi-http/test/ (→ packages → repo root → its parent).
const VECTORS = new URL("../../../../shared/vectors/", import.meta.url);

export function readVectorText(relativePath: string): string {
  return readFileSync(new URL(relativePath, VECTORS), "utf8");
}

export function readVectorJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readVectorText(relativePath)) as T;
}
