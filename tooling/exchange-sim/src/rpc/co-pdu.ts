// Connection-oriented DCE/RPC PDUs as the simulator reads and writes them (C706 12.6, MS-RPCE
// 2.2.2), written here from the specs rather than taken from @mailwire/rpc-http, so that the
// client's codec is checked against an independent reading. Little-endian only.

export class PduError extends Error {
  override name = "PduError";
}

export const PTYPE = {
  request: 0,
  response: 2,
  fault: 3,
  bind: 11,
  bind_ack: 12,
  bind_nak: 13,
  alter_context: 14,
  alter_context_resp: 15,
  auth3: 16,
} as const;

export const PFC_FIRST_FRAG = 0x01;
export const PFC_LAST_FRAG = 0x02;
export const PFC_DID_NOT_EXECUTE = 0x20;
export const PFC_OBJECT_UUID = 0x80;

export interface SecTrailer {
  authType: number;
  authLevel: number;
  padLength: number;
  contextId: number;
  value: Buffer;
  /** Where the 8-byte sec_trailer starts in the PDU. */
  offset: number;
}

export interface RawPdu {
  type: number;
  flags: number;
  callId: number;
  /** The whole PDU. */
  raw: Buffer;
  /** Bytes after the common header up to the sec_trailer (auth padding included). */
  body: Buffer;
  auth: SecTrailer | undefined;
}

/** Parses one whole PDU; throws PduError for anything a server would reject. */
export function parsePdu(raw: Buffer): RawPdu {
  if (raw.length < 16) throw new PduError("short PDU");
  if (raw[0] !== 5 || raw[1] !== 0) throw new PduError(`version ${raw[0]}.${raw[1]}`);
  if ((raw[4] as number) >> 4 !== 1) throw new PduError("not little-endian");
  const fragLength = raw.readUInt16LE(8);
  const authLength = raw.readUInt16LE(10);
  if (fragLength !== raw.length) throw new PduError("frag_length mismatch");
  let auth: SecTrailer | undefined;
  let bodyEnd = fragLength;
  if (authLength > 0) {
    const offset = fragLength - authLength - 8;
    if (offset < 16) throw new PduError("auth_length too long");
    auth = {
      authType: raw[offset] as number,
      authLevel: raw[offset + 1] as number,
      padLength: raw[offset + 2] as number,
      contextId: raw.readUInt32LE(offset + 4),
      value: raw.subarray(offset + 8),
      offset,
    };
    bodyEnd = offset;
  }
  return {
    type: raw[2] as number,
    flags: raw[3] as number,
    callId: raw.readUInt32LE(12),
    raw,
    body: raw.subarray(16, bodyEnd),
    auth,
  };
}

export interface OutgoingAuth {
  authType: number;
  authLevel: number;
  padLength: number;
  contextId: number;
  value: Buffer;
}

/** Builds a PDU around `body`; with `auth`, the body must already end in its padding. */
export function buildPdu(
  type: number,
  flags: number,
  callId: number,
  body: Buffer,
  auth?: OutgoingAuth,
): Buffer {
  const trailer = auth
    ? Buffer.concat([Buffer.from([auth.authType, auth.authLevel, auth.padLength, 0, 0, 0, 0, 0]), auth.value])
    : Buffer.alloc(0);
  if (auth) trailer.writeUInt32LE(auth.contextId >>> 0, 4);
  const header = Buffer.alloc(16);
  header.set([5, 0, type, flags, 0x10, 0, 0, 0]);
  const length = 16 + body.length + trailer.length;
  if (length > 0xffff) throw new PduError("PDU too long");
  header.writeUInt16LE(length, 8);
  header.writeUInt16LE(auth ? auth.value.length : 0, 10);
  header.writeUInt32LE(callId >>> 0, 12);
  return Buffer.concat([header, body, trailer]);
}

/** A UUID's 16 wire bytes (first three fields little-endian) as canonical text. */
export function uuidText(bytes: Buffer): string {
  const hex = (slice: Buffer) => slice.toString("hex");
  const le = (slice: Buffer) => hex(Buffer.from(slice).reverse());
  return `${le(bytes.subarray(0, 4))}-${le(bytes.subarray(4, 6))}-${le(bytes.subarray(6, 8))}-${hex(bytes.subarray(8, 10))}-${hex(bytes.subarray(10, 16))}`;
}

export function uuidBytes(text: string): Buffer {
  const hex = text.replaceAll("-", "");
  const b = Buffer.from(hex, "hex");
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

export interface BindContext {
  contextId: number;
  abstract: { uuid: string; major: number; minor: number };
  transfer: { uuid: string; major: number; minor: number }[];
}

export interface BindBody {
  maxXmitFrag: number;
  maxRecvFrag: number;
  assocGroupId: number;
  contexts: BindContext[];
}

/** The bind / alter_context body (C706 12.6.4.3). */
export function parseBindBody(body: Buffer): BindBody {
  if (body.length < 12) throw new PduError("short bind");
  const count = body[8] as number;
  const contexts: BindContext[] = [];
  let at = 12;
  const syntax = () => {
    if (at + 20 > body.length) throw new PduError("short syntax");
    const value = {
      uuid: uuidText(body.subarray(at, at + 16)),
      major: body.readUInt16LE(at + 16),
      minor: body.readUInt16LE(at + 18),
    };
    at += 20;
    return value;
  };
  for (let i = 0; i < count; i++) {
    if (at + 4 > body.length) throw new PduError("short context");
    const contextId = body.readUInt16LE(at);
    const transfers = body[at + 2] as number;
    at += 4;
    const abstract = syntax();
    const transfer = Array.from({ length: transfers }, syntax);
    contexts.push({ contextId, abstract, transfer });
  }
  return {
    maxXmitFrag: body.readUInt16LE(0),
    maxRecvFrag: body.readUInt16LE(2),
    assocGroupId: body.readUInt32LE(4),
    contexts,
  };
}

export const NDR20 = { uuid: "8a885d04-1ceb-11c9-9fe8-08002b104860", major: 2, minor: 0 };

/** The bind_ack / alter_context_resp body (C706 12.6.4.4), aligned as if it followed a 16-byte header. */
export function bindAckBody(
  maxFrag: number,
  assocGroupId: number,
  secondaryAddress: string,
  results: { result: number; reason: number }[],
): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(maxFrag, 0);
  head.writeUInt16LE(maxFrag, 2);
  head.writeUInt32LE(assocGroupId, 4);
  const address = secondaryAddress ? Buffer.from(`${secondaryAddress}\0`, "latin1") : Buffer.alloc(0);
  const addressLength = Buffer.alloc(2);
  addressLength.writeUInt16LE(address.length);
  const used = 16 + 8 + 2 + address.length;
  const pad = Buffer.alloc((4 - (used % 4)) % 4);
  const list = Buffer.alloc(4 + results.length * 24);
  list[0] = results.length;
  results.forEach((r, i) => {
    const at = 4 + i * 24;
    list.writeUInt16LE(r.result, at);
    list.writeUInt16LE(r.reason, at + 2);
    if (r.result === 0) {
      uuidBytes(NDR20.uuid).copy(list, at + 4);
      list.writeUInt16LE(2, at + 20);
    }
  });
  return Buffer.concat([head, addressLength, address, pad, list]);
}

/** The 4-byte-aligned pad before a bind-type sec_trailer. */
export function alignTo4(body: Buffer): { body: Buffer; pad: number } {
  const pad = (4 - ((16 + body.length) % 4)) % 4;
  return { body: Buffer.concat([body, Buffer.alloc(pad)]), pad };
}

/** Cuts a byte stream into PDUs by frag_length. */
export class PduSplitter {
  #buffer: Buffer = Buffer.alloc(0);
  constructor(readonly maxFragLength = 0xffff) {}
  push(chunk: Buffer): Buffer[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.#buffer.length >= 16) {
      const length = this.#buffer.readUInt16LE(8);
      if (length < 16 || length > this.maxFragLength) throw new PduError(`frag_length ${length}`);
      if (this.#buffer.length < length) break;
      out.push(Buffer.from(this.#buffer.subarray(0, length)));
      this.#buffer = this.#buffer.subarray(length);
    }
    return out;
  }
}
