// The server's side of the MAPI/HTTP mailbox bodies (MS-OXCMAPIHTTP 2.2.4), written here from
// the spec rather than taken from @mailwire/mapi-http, so the client's codec is checked
// against an independent reading. Little-endian throughout.

export class BodyError extends Error {
  override name = "BodyError";
}

class Cursor {
  #at = 0;
  constructor(readonly bytes: Buffer) {}
  u32(): number {
    if (this.#at + 4 > this.bytes.length) throw new BodyError("truncated body");
    const v = this.bytes.readUInt32LE(this.#at);
    this.#at += 4;
    return v;
  }
  take(n: number): Buffer {
    if (this.#at + n > this.bytes.length) throw new BodyError("a size runs past the body");
    const out = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }
  asciiZ(): string {
    const end = this.bytes.indexOf(0, this.#at);
    if (end < 0) throw new BodyError("unterminated string");
    const text = this.bytes.subarray(this.#at, end).toString("latin1");
    this.#at = end + 1;
    return text;
  }
  end(): void {
    if (this.#at !== this.bytes.length) throw new BodyError("bytes after the body");
  }
}

/** Connect request (2.2.4.1.1): UserDn, Flags, DefaultCodePage, LcidSort, LcidString, auxiliary. */
export function readConnectRequest(body: Buffer): { userDn: string; codePage: number } {
  const c = new Cursor(body);
  const userDn = c.asciiZ();
  c.u32();
  const codePage = c.u32();
  c.u32();
  c.u32();
  c.take(c.u32());
  c.end();
  return { userDn, codePage };
}

/** Execute request (2.2.4.2.1): Flags, RopBufferSize, RopBuffer, MaxRopOut, auxiliary. */
export function readExecuteRequest(body: Buffer): { flags: number; ropBuffer: Buffer; maxRopOut: number } {
  const c = new Cursor(body);
  const flags = c.u32();
  const ropBuffer = c.take(c.u32());
  const maxRopOut = c.u32();
  c.take(c.u32());
  c.end();
  return { flags, ropBuffer, maxRopOut };
}

function u32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => {
    out.writeUInt32LE(v >>> 0, i * 4);
  });
  return out;
}

/** Connect success (2.2.4.1.2). */
export function connectResponse(displayName: string, dnPrefix: string): Buffer {
  return Buffer.concat([
    u32s(0, 0, 60_000, 6, 10_000), // StatusCode, ErrorCode, MaximumPollingInterval, RetryCount, RetryDelay
    Buffer.from(`${dnPrefix}\0`, "latin1"),
    Buffer.from(`${displayName}\0`, "utf16le"),
    u32s(0), // AuxiliaryBufferSize
  ]);
}

/** Execute success (2.2.4.2.2). */
export function executeResponse(ropBuffer: Uint8Array): Buffer {
  return Buffer.concat([u32s(0, 0, 0, ropBuffer.length), ropBuffer, u32s(0)]);
}

/** Disconnect success (2.2.4.3.2): StatusCode, ErrorCode, auxiliary. */
export function disconnectResponse(): Buffer {
  return u32s(0, 0, 0);
}

/** NotificationWait success (2.2.4.4.2): StatusCode, ErrorCode, EventPending, auxiliary. */
export function notificationWaitResponse(eventPending: boolean): Buffer {
  return u32s(0, 0, eventPending ? 1 : 0, 0);
}
