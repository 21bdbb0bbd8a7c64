import { createHash } from "node:crypto";

/** A file name for an opaque id: ids may hold any printable character, hashes only hex. */
export const storeKey = (value: string): string =>
  createHash("sha256").update(value).digest("hex").slice(0, 40);
