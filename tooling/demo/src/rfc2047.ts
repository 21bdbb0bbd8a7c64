// Just enough RFC 2047 to print subjects: encoded-words (B and Q) in any charset Node's
// TextDecoder knows; the whitespace between two adjacent encoded-words is dropped (6.2).

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
const BETWEEN_WORDS = /(\?=)\s+(=\?)/g;

export function decodeEncodedWords(text: string): string {
  return text
    .replace(BETWEEN_WORDS, "$1$2")
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, data: string) => {
      let bytes: Uint8Array;
      if (encoding.toUpperCase() === "B") bytes = Buffer.from(data, "base64");
      else {
        const underscored = data.replace(/_/g, " ");
        bytes = Buffer.from(
          underscored.replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
            String.fromCharCode(Number.parseInt(hex, 16)),
          ),
          "latin1",
        );
      }
      try {
        return new TextDecoder(charset.split("*")[0]).decode(bytes);
      } catch {
        return word; // unknown charset: leave the word as it came
      }
    });
}
