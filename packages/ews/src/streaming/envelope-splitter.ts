import { LimitExceededError } from "@mailwire/core";

// GetStreamingEvents (MS-OXWSNTIF 3.1.4.x) answers with one long HTTP response holding a series
// of complete SOAP envelopes: notifications, heartbeats (ConnectionStatus OK) and finally
// ConnectionStatus Closed. This splits that byte stream into documents, each then parsed like any
// response. It keeps partial input between chunks and refuses a document that grows past
// `maxDocumentBytes` (a server that never closes its envelope).

const END = /<\/(?:[A-Za-z_][\w.-]*:)?Envelope\s*>/g;

export class EnvelopeSplitter {
  readonly #maxDocumentBytes: number;
  #pending = "";
  #decoder = new TextDecoder("utf-8", { fatal: false });

  constructor(maxDocumentBytes: number) {
    this.#maxDocumentBytes = maxDocumentBytes;
  }

  /** Adds bytes and returns every document completed by them, in order. */
  push(chunk: Uint8Array): string[] {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const documents: string[] = [];
    let start = 0;
    // Search only the tail that can hold a new end tag: the envelope end tag is short.
    END.lastIndex = 0;
    for (let match = END.exec(this.#pending); match !== null; match = END.exec(this.#pending)) {
      const end = match.index + match[0].length;
      const document = this.#pending.slice(start, end).trim();
      if (document !== "") documents.push(document);
      start = end;
    }
    this.#pending = this.#pending.slice(start);
    if (this.#pending.length > this.#maxDocumentBytes) {
      throw new LimitExceededError(`a streamed EWS document exceeds ${this.#maxDocumentBytes} bytes`, {
        limit: "maxResponseBytes",
        max: this.#maxDocumentBytes,
      });
    }
    return documents;
  }

  /** What is left when the stream ends: only whitespace in a clean close. */
  get rest(): string {
    return this.#pending + this.#decoder.decode();
  }
}
