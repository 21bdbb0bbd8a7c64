/** Test helpers: the RFC examples are written as text, the mechanisms deal in bytes. */
export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
export const bytes = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "utf8"));
export const base64 = (value: Uint8Array): string => Buffer.from(value).toString("base64");
export const fromBase64 = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, "base64"));
export const EMPTY = new Uint8Array(0);
