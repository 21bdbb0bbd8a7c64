import { InvalidArgumentError } from "../errors/error-classes.js";

/*
 * SASLprep (RFC 4013), the stringprep (RFC 3454) profile SCRAM applies to user names and
 * passwords before hashing, so that "I\u00ADX" and "\u2168" reach the server as the same
 * "IX" the user typed somewhere else.
 *
 * Compact on purpose: the mapping and prohibition tables are short and quoted as ranges;
 * normalization uses the runtime's NFKC (current Unicode, not 3.2, which differs only for
 * characters assigned since 2002); unassigned code points are allowed, as for a "query"
 * string (RFC 3454 §7), because the client cannot know the server's Unicode version and
 * RFC 5802 §5.1 has the server, not the client, reject what it cannot store.
 */

/** RFC 3454 B.1, "commonly mapped to nothing" (RFC 4013 §2.1): soft hyphen, joiners, variation selectors... */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is removed on its own, combining or not (RFC 3454 B.1).
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/** RFC 3454 C.1.2, non-ASCII spaces, which RFC 4013 §2.1 maps to U+0020. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;

/**
 * RFC 4013 §2.3 prohibited output, by RFC 3454 table: C.1.2 non-ASCII spaces, C.2.1 and
 * C.2.2 control characters, C.3 private use, C.4 non-characters (the per-plane xFFFE/xFFFF
 * ones are tested arithmetically below), C.5 lone surrogates (with the `u` flag a valid
 * pair is one code point and does not match), C.6 inappropriate for plain text, C.7
 * ideographic description, C.8 display-changing/deprecated, C.9 tagging characters.
 */
const PROHIBITED = new RegExp(
  [
    "[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]", // C.1.2
    "[\\u0000-\\u001F\\u007F]", // C.2.1
    "[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]", // C.2.2
    "[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]", // C.3
    "[\\uFDD0-\\uFDEF]", // C.4 (BMP block)
    "[\\uD800-\\uDFFF]", // C.5
    "[\\uFFF9-\\uFFFD]", // C.6
    "[\\u2FF0-\\u2FFB]", // C.7
    "[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]", // C.8
    "[\\u{E0001}\\u{E0020}-\\u{E007F}]", // C.9
  ].join("|"),
  "u",
);

/** RFC 3454 D.1, characters with bidirectional property R or AL (Unicode 3.2). */
const RAND_AL_CAT =
  /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u063A\u0640-\u064A\u066D-\u066F\u0671-\u06D5\u06DD\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710\u0712-\u072C\u0780-\u07A5\u07B1\u200F\uFB1D\uFB1F-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFC\uFE70-\uFE74\uFE76-\uFEFC]/u;

/**
 * RFC 3454 D.2 (bidirectional property L) is a long table; letters and spacing marks
 * outside the right-to-left scripts are the same set for every character a user name or
 * password realistically contains, and that is what the bidi rule needs.
 */
const LEFT_TO_RIGHT = /[\p{L}\p{Mc}]/u;
const RIGHT_TO_LEFT_SCRIPT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;

function isLeftToRight(char: string): boolean {
  return LEFT_TO_RIGHT.test(char) && !RIGHT_TO_LEFT_SCRIPT.test(char) && !RAND_AL_CAT.test(char);
}

function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Prepares a string with SASLprep (RFC 4013). Throws InvalidArgumentError naming the rule
 * and the offending code point (never the input, which may be a password).
 */
export function saslprep(input: string): string {
  // §2.1 Mapping; B.1 first, so U+200B (in both B.1 and C.1.2) disappears rather than becoming a space.
  const mapped = input.replace(MAPPED_TO_NOTHING, "").replace(NON_ASCII_SPACE, " ");
  // §2.2 Normalization: Unicode form KC.
  const normalized = mapped.normalize("NFKC");

  let hasRandAL = false;
  let hasL = false;
  for (const char of normalized) {
    const codePoint = char.codePointAt(0) ?? 0;
    // §2.3 Prohibited output; C.4 also covers U+nFFFE and U+nFFFF in every plane.
    if (PROHIBITED.test(char) || (codePoint & 0xfffe) === 0xfffe) {
      throw new InvalidArgumentError(`SASLprep: prohibited character ${codePointLabel(char)}`, {
        details: { rule: "RFC 4013 §2.3", codePoint: codePointLabel(char) },
      });
    }
    if (RAND_AL_CAT.test(char)) hasRandAL = true;
    else if (isLeftToRight(char)) hasL = true;
  }

  // §2.4 Bidirectional characters, by RFC 3454 §6: a string with any RandALCat character
  // must contain no LCat character and must begin and end with a RandALCat character.
  if (hasRandAL) {
    const chars = [...normalized];
    const first = chars[0] ?? "";
    const last = chars[chars.length - 1] ?? "";
    if (hasL || !RAND_AL_CAT.test(first) || !RAND_AL_CAT.test(last)) {
      throw new InvalidArgumentError("SASLprep: mixed or badly bounded right-to-left text", {
        details: { rule: "RFC 3454 §6" },
      });
    }
  }
  return normalized;
}
