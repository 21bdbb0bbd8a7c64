import { LimitExceededError, ParseError } from "@mailwire/core";
import { MapiHttpLimits } from "./limits.js";
import { MetaTag } from "./response-codes.js";

/** A whole MAPI/HTTP response body, split into its three parts (MS-OXCMAPIHTTP 2.2.2.2). */
export interface MapiHttpResponseParts {
  /** Every meta-tag in order: PROCESSING, any PENDING keep-alives, DONE. */
  readonly metaTags: readonly MetaTag[];
  /** Additional headers after DONE (X-ResponseCode, X-ElapsedTime, X-StartTime), names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  /** The binary request-type-specific body. */
  readonly body: Uint8Array;
}

export interface MapiHttpResponseParserOptions {
  /** Called for each meta-tag as it arrives (e.g. to note a PENDING keep-alive). */
  readonly onMetaTag?: (tag: MetaTag) => void;
}

type State = "meta" | "headers" | "body";

const CR = 0x0d;
const LF = 0x0a;
const META_TAGS = new Set<string>(Object.values(MetaTag));

/**
 * Incremental parser of a MAPI/HTTP response body as the chunks of a chunked response
 * arrive (MS-OXCMAPIHTTP 2.2.7, 3.2.5.4): meta-tag lines (PROCESSING, PENDING keep-alives
 * sent every X-PendingPeriod, DONE), then additional headers up to an empty line, then the
 * binary body. Lines end with CRLF; a line may be split anywhere between two chunks.
 */
export class MapiHttpResponseParser {
  readonly #onMetaTag: ((tag: MetaTag) => void) | undefined;
  #state: State = "meta";
  /** Bytes of the line being read, across chunks. */
  #line: number[] = [];
  /** A CR ended the previous chunk; the LF must open the next. */
  #sawCr = false;
  readonly #metaTags: MetaTag[] = [];
  readonly #headers = new Map<string, string>();
  readonly #body: Uint8Array[] = [];
  #bodyBytes = 0;
  #offset = 0;

  constructor(options: MapiHttpResponseParserOptions = {}) {
    this.#onMetaTag = options.onMetaTag;
  }

  /** True once DONE and the additional headers have been read. */
  get inBody(): boolean {
    return this.#state === "body";
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === "body") {
        this.#appendBody(chunk.subarray(i));
        this.#offset += chunk.length - i;
        return;
      }
      const byte = chunk[i] as number;
      i += 1;
      this.#offset += 1;
      if (this.#sawCr) {
        if (byte !== LF)
          throw new ParseError("A CR in a MAPI/HTTP meta-tag or header line is not followed by LF", {
            offset: this.#offset - 1,
          });
        this.#sawCr = false;
        this.#endLine();
        continue;
      }
      if (byte === CR) {
        this.#sawCr = true;
        continue;
      }
      if (byte === LF)
        throw new ParseError("Bare LF in a MAPI/HTTP meta-tag or header line", { offset: this.#offset - 1 });
      if (this.#line.length >= MapiHttpLimits.maxLineBytes) {
        throw new LimitExceededError(
          `A MAPI/HTTP meta-tag or header line exceeds ${MapiHttpLimits.maxLineBytes} bytes`,
          {
            limit: "maxLineBytes",
            max: MapiHttpLimits.maxLineBytes,
          },
        );
      }
      this.#line.push(byte);
    }
  }

  /** The parsed response; fails if the body ended before DONE and its headers. */
  finish(): MapiHttpResponseParts {
    if (this.#state !== "body" || this.#sawCr || this.#line.length > 0) {
      const where = this.#state === "meta" ? "before the DONE meta-tag" : "inside the additional headers";
      throw new ParseError(`The MAPI/HTTP response ended ${where}`, { offset: this.#offset });
    }
    return {
      metaTags: [...this.#metaTags],
      headers: new Map(this.#headers),
      body: Buffer.concat(this.#body),
    };
  }

  #endLine(): void {
    const text = Buffer.from(this.#line).toString("latin1");
    this.#line = [];
    if (this.#state === "meta") {
      if (!META_TAGS.has(text))
        throw new ParseError(`Unknown MAPI/HTTP meta-tag ${JSON.stringify(text.slice(0, 40))}`, {
          offset: this.#offset,
        });
      if (this.#metaTags.length >= MapiHttpLimits.maxMetaTags) {
        throw new LimitExceededError(`More than ${MapiHttpLimits.maxMetaTags} meta-tags`, {
          limit: "maxMetaTags",
          max: MapiHttpLimits.maxMetaTags,
        });
      }
      const tag = text as MetaTag;
      this.#metaTags.push(tag);
      this.#onMetaTag?.(tag);
      if (tag === MetaTag.DONE) this.#state = "headers";
      return;
    }
    if (text === "") {
      this.#state = "body";
      return;
    }
    const colon = text.indexOf(":");
    if (colon <= 0)
      throw new ParseError(`Malformed additional header ${JSON.stringify(text.slice(0, 40))}`, {
        offset: this.#offset,
      });
    if (this.#headers.size >= MapiHttpLimits.maxAdditionalHeaders) {
      throw new LimitExceededError(`More than ${MapiHttpLimits.maxAdditionalHeaders} additional headers`, {
        limit: "maxAdditionalHeaders",
        max: MapiHttpLimits.maxAdditionalHeaders,
      });
    }
    this.#headers.set(text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim());
  }

  #appendBody(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#bodyBytes += bytes.length;
    if (this.#bodyBytes > MapiHttpLimits.maxBodyBytes) {
      throw new LimitExceededError(
        `The MAPI/HTTP response body exceeds ${MapiHttpLimits.maxBodyBytes} bytes`,
        {
          limit: "maxBodyBytes",
          max: MapiHttpLimits.maxBodyBytes,
        },
      );
    }
    this.#body.push(bytes.slice());
  }
}

/** The server side (simulators, tests): one meta-tag line. */
export function encodeMetaTag(tag: MetaTag): Uint8Array {
  return Buffer.from(`${tag}\r\n`, "latin1");
}

/** The server side: DONE's additional headers, the empty line, then the body. */
export function encodeResponseTail(headers: Readonly<Record<string, string>>, body: Uint8Array): Uint8Array {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.concat([Buffer.from(`${lines.join("")}\r\n`, "latin1"), body]);
}
