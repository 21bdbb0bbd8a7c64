import { Readable } from "node:stream";
import { LimitExceededError, ParseError, ProtocolError } from "@mailwire/core";
import { readResponseMessages, readSoapResponse } from "../soap/parse-response.js";
import { parseXml } from "../xml/parse-xml.js";
import type { XmlElement } from "../xml/xml-element.js";
import { Base64Decoder } from "./base64-decoder.js";

// Streams one base64 element (GetAttachment's t:Content, MS-OXWSCORE 2.2.4.x FileAttachmentType;
// GetItem's t:MimeContent, MS-OXWSCDATA 2.2.4.x MimeContentType) out of a SOAP response without
// holding it: the bytes before the element (envelope, response class, attachment metadata) and
// after it are kept (each at most `maxFrameBytes`), the content is decoded as it arrives and
// handed on with backpressure. At the end the frame, with the content left out, is parsed like
// any response, so a response that turns out malformed still fails the stream. A response
// without the element (ResponseClass="Error") is parsed whole and its typed error thrown.

export interface StreamedContent {
  /** The element that contains the content (e.g. FileAttachment), parsed from the bytes before it. */
  container: XmlElement | undefined;
  /** The decoded bytes. */
  content: Readable;
}

export interface ContentStreamOptions {
  /** Local name of the base64 element: "Content" or "MimeContent". */
  element: string;
  /** Local name of the element around it whose metadata is wanted: "FileAttachment", or undefined. */
  container?: string | undefined;
  maxFrameBytes: number;
  /** Called once when the response has been consumed or abandoned (releases a concurrency slot). */
  onDone?: (() => void) | undefined;
  /**
   * When a successful response has no payload element: a sentence saying why, from the parsed
   * response message (e.g. "it is an item attachment"), added to the ProtocolError.
   */
  explainMissing?: ((message: XmlElement) => string | undefined) | undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export async function streamContent(
  body: AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void },
  options: ContentStreamOptions,
): Promise<StreamedContent> {
  const startTag = new RegExp(
    `<((?:[A-Za-z_][\\w.-]*:)?${escapeRegExp(options.element)})(?:[ \\t\\r\\n][^>]*)?(/?)>`,
    "g",
  );
  const iterator = body[Symbol.asyncIterator]();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    options.onDone?.();
  };
  const abandon = (error?: Error) => {
    body.destroy?.(error);
    finish();
  };
  const next = async (): Promise<Buffer | undefined> => {
    const step = await iterator.next();
    if (step.done) return undefined;
    return typeof step.value === "string" ? Buffer.from(step.value) : step.value;
  };
  const tooLarge = () =>
    new LimitExceededError(
      `EWS response metadata around <${options.element}> exceeds ${options.maxFrameBytes} bytes`,
      {
        limit: "maxStreamFrameBytes",
        max: options.maxFrameBytes,
      },
    );

  // Phase 1: the prologue, up to and including the start tag.
  let prologue = Buffer.alloc(0);
  let match: RegExpExecArray | null = null;
  try {
    for (;;) {
      const chunk = await next();
      if (chunk === undefined) {
        // No content element: an error response, or a malformed one. Either way, say which.
        const parsed = readSoapResponse(parseXml(prologue.toString("utf8")));
        const [result] = readResponseMessages(parsed.body, (message) => options.explainMissing?.(message));
        if (result !== undefined && !result.ok) throw result.error;
        const why = result?.ok ? result.value : undefined;
        throw new ProtocolError(`the EWS response has no <${options.element}>${why ? `: ${why}` : ""}`);
      }
      const searchFrom = Math.max(0, prologue.length - 512);
      prologue = Buffer.concat([prologue, chunk]);
      const latin1 = prologue.toString("latin1", searchFrom);
      startTag.lastIndex = 0;
      match = startTag.exec(latin1);
      if (match !== null) {
        match.index += searchFrom;
        break;
      }
      if (prologue.length > options.maxFrameBytes) throw tooLarge();
    }
  } catch (error) {
    abandon();
    throw error;
  }
  const qualifiedName = match[1] as string;
  const selfClosing = match[2] === "/";
  const tagEnd = match.index + match[0].length;
  const head = prologue.subarray(0, tagEnd);
  const afterTag = prologue.subarray(tagEnd);

  let container: XmlElement | undefined;
  if (options.container !== undefined) {
    const headText = head.subarray(0, match.index).toString("utf8");
    const open = new RegExp(`<((?:[A-Za-z_][\\w.-]*:)?${escapeRegExp(options.container)})[ \\t\\r\\n>]`, "g");
    let last: RegExpExecArray | null = null;
    for (let found = open.exec(headText); found !== null; found = open.exec(headText)) last = found;
    if (last !== null) {
      try {
        container = parseXml(`${headText.slice(last.index)}</${last[1]}>`);
      } catch (error) {
        abandon();
        throw error;
      }
    }
  }

  async function* decode(): AsyncGenerator<Buffer> {
    const decoder = new Base64Decoder();
    let epilogue: Buffer[] = [];
    let epilogueBytes = 0;
    let inContent = !selfClosing;
    const take = function* (chunk: Buffer): Generator<Buffer> {
      if (!inContent) {
        epilogue.push(chunk);
        epilogueBytes += chunk.length;
        if (epilogueBytes > options.maxFrameBytes) throw tooLarge();
        return;
      }
      const lt = chunk.indexOf(0x3c);
      const text = (lt === -1 ? chunk : chunk.subarray(0, lt)).toString("latin1");
      const decoded = decoder.push(text);
      if (decoded.length > 0) yield decoded;
      if (lt !== -1) {
        inContent = false;
        const rest = decoder.flush();
        if (rest.length > 0) yield rest;
        epilogue = [chunk.subarray(lt)];
        epilogueBytes = chunk.length - lt;
      }
    };
    try {
      if (afterTag.length > 0) yield* take(afterTag);
      for (let chunk = await next(); chunk !== undefined; chunk = await next()) yield* take(chunk);
      if (inContent) throw new ParseError(`the EWS response ends inside <${qualifiedName}>`);
      // The frame without the content must be a well-formed, successful response.
      const frame = Buffer.concat([head, ...epilogue]).toString("utf8");
      const parsed = readSoapResponse(parseXml(frame));
      const results = readResponseMessages(parsed.body, () => undefined);
      const failed = results.find((result) => !result.ok);
      if (failed !== undefined && !failed.ok) throw failed.error;
      finish();
    } catch (error) {
      abandon();
      throw error;
    } finally {
      // The consumer stopped early (destroy/break): release the connection.
      if (!done) abandon();
    }
  }

  const content = Readable.from(decode(), { objectMode: false });
  // A stream destroyed before it was ever read never starts decode(), so its `finally` cannot
  // release the connection and the concurrency slot; 'close' covers that case.
  content.once("close", () => {
    if (!done) abandon();
  });
  return { container, content };
}
