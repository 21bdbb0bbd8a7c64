// Request heads and PDU framing for the RPC proxy's raw connections. Node's HTTP parser
// rejects RPC_IN_DATA and RPC_OUT_DATA (they are not in its method table), so connections
// that start with them are read here.

/** Bigger heads are refused (IIS's default limit is similar). */
const MAX_HEAD = 16 * 1024;
/** frag_length is a u16 (C706 12.6.1). */
const MAX_PDU = 0xffff;

export interface RequestHead {
  method: string;
  target: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export class FramingError extends Error {}

/** A head at the start of `data`, with the bytes it took; undefined while incomplete. */
export function readHead(data: Buffer): { head: RequestHead; length: number } | undefined {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) {
    if (data.length > MAX_HEAD) throw new FramingError("request head too large");
    return undefined;
  }
  const lines = data.toString("latin1", 0, end).split("\r\n");
  const [method, target, version] = (lines[0] ?? "").split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.")) throw new FramingError("bad request line");
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new FramingError("bad header line");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { head: { method, target, headers }, length: end + 4 };
}

/** Splits a byte stream into PDUs by frag_length, keeping partial input. */
export class PduSplitter {
  #pending = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const out: Buffer[] = [];
    while (data.length >= 10) {
      const length = data.readUInt16LE(8);
      if (data[0] !== 5 || length < 16 || length > MAX_PDU) throw new FramingError("bad PDU header");
      if (data.length < length) break;
      out.push(Buffer.from(data.subarray(0, length)));
      data = data.subarray(length);
    }
    this.#pending = Buffer.from(data);
    return out;
  }
}
