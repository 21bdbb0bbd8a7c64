import { InvalidArgumentError } from "@mailwire/core";

// Encodes bytes to xs:base64Binary as they are read, for request payloads that should not be
// held whole (UploadItems Data, CreateAttachment Content): 0-2 bytes of an incomplete 3-byte
// group are carried to the next chunk, so the output is one continuous base64 text in any chunking.

export type ByteSource = Uint8Array | AsyncIterable<Uint8Array | string>;

export async function* base64Chunks(source: ByteSource): AsyncGenerator<string> {
  if (source instanceof Uint8Array) {
    yield Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString("base64");
    return;
  }
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    if (typeof chunk === "string") {
      throw new InvalidArgumentError(
        "a payload stream must yield bytes, not strings (no encoding is assumed)",
      );
    }
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes = carry.length === 0 ? view : Buffer.concat([carry, view]);
    const usable = bytes.length - (bytes.length % 3);
    carry = bytes.subarray(usable);
    if (usable > 0) yield bytes.subarray(0, usable).toString("base64");
  }
  if (carry.length > 0) yield carry.toString("base64");
}
