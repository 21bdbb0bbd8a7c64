import { readFileSync } from "node:fs";

// /work/shared/vectors, reached from packages/mapi/test/ (mapi → packages → repo root → its parent).
const VECTORS = new URL("../../../../shared/vectors/", import.meta.url);

export function readVectorJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, VECTORS), "utf8")) as T;
}
