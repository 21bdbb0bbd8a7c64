// An independent walk over NSPI stubs by the MS-OXNSPI appendix A IDL and C706 chapter 14 NDR
// rules, written apart from src/nspi so it can check the codec (and the sim's encoder) rather
// than repeat it: every u32 4-aligned from the stub start, conformant arrays' max_count equal
// to their count, strings as max_count/offset 0/actual_count with a terminating NUL, embedded
// pointees after the structure or array holding them (each pointee's own pointees right after
// it), and nothing after the last out-parameter or the return value. It throws on the first
// disagreement, naming the offset.

export class LayoutError extends Error {}

export class StubWalk {
  offset = 0;
  readonly #view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string): never {
    throw new LayoutError(`${what} at offset ${this.offset} of ${this.bytes.length}`);
  }

  align(n: number): void {
    while (this.offset % n !== 0) {
      if (this.bytes[this.offset] !== 0) this.fail("non-zero alignment padding");
      this.offset++;
    }
  }

  u32(): number {
    this.align(4);
    if (this.offset + 4 > this.bytes.length) this.fail("u32 past the end");
    const value = this.#view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u16(): number {
    this.align(2);
    if (this.offset + 2 > this.bytes.length) this.fail("u16 past the end");
    const value = this.#view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  skip(n: number, what: string): void {
    if (this.offset + n > this.bytes.length) this.fail(`${what} of ${n} bytes past the end`);
    this.offset += n;
  }

  end(): void {
    if (this.offset !== this.bytes.length) this.fail(`${this.bytes.length - this.offset} bytes left over`);
  }
}

/** A [string] pointee: max_count, offset 0, actual_count, the characters with their NUL. */
export function walkString(w: StubWalk, unit: 1 | 2): void {
  const max = w.u32();
  const offset = w.u32();
  const actual = w.u32();
  if (offset !== 0 || actual > max || actual === 0) w.fail(`string counts ${max}/${offset}/${actual}`);
  w.skip((actual - 1) * unit, "string");
  const nul = unit === 2 ? w.u16() : (w.bytes[w.offset++] as number);
  if (nul !== 0) w.fail("string without its terminating NUL");
}

/** PropertyTagArray_r behind a unique pointer: [size_is(cValues + 1), length_is(cValues)]. */
export function walkTagArrayPointer(w: StubWalk): number | undefined {
  if (w.u32() === 0) return undefined;
  const max = w.u32();
  const count = w.u32();
  const offset = w.u32();
  const actual = w.u32();
  if (max !== count + 1 || offset !== 0 || actual !== count)
    w.fail(`PropertyTagArray_r counts ${max}/${count}/${offset}/${actual}`);
  for (let i = 0; i < count; i++) w.u32();
  return count;
}

type Deferred = () => void;

function walkValue(w: StubWalk, deferred: Deferred[], mvUnicodeAsUint32 = false): number {
  const tag = w.u32();
  w.u32(); // ulReserved
  const type = tag & 0xffff;
  if (w.u32() !== type) w.fail(`PROP_VAL_UNION switch differs from tag 0x${tag.toString(16)}`);
  switch (type) {
    case 0x0002: // PT_SHORT
    case 0x000b: // PT_BOOLEAN
      w.u16();
      break;
    case 0x0001: // PT_NULL
    case 0x000d: // PT_OBJECT
    case 0x0003: // PT_LONG
    case 0x000a: // PT_ERROR
      w.u32();
      break;
    case 0x0040: // PT_SYSTIME
      w.u32();
      w.u32();
      break;
    case 0x001e: // PT_STRING8
    case 0x001f: // PT_UNICODE
      if (w.u32() !== 0) deferred.push(() => walkString(w, type === 0x1f ? 2 : 1));
      break;
    case 0x0102: {
      const cb = w.u32();
      if (w.u32() !== 0)
        deferred.push(() => {
          if (w.u32() !== cb) w.fail("Binary_r max_count differs from cb");
          w.skip(cb, "Binary_r");
        });
      break;
    }
    case 0x101e: // PT_MV_STRING8: StringArray_r
    case 0x101f: {
      // PT_MV_UNICODE: WStringArray_r { cValues; [size_is(cValues)] [string] wchar_t** lppszW }
      const count = w.u32();
      if (w.u32() !== 0)
        deferred.push(() => {
          if (w.u32() !== count) w.fail("WStringArray_r max_count differs from cValues");
          const present = Array.from({ length: count }, () => w.u32() !== 0);
          if (mvUnicodeAsUint32) return; // Wireshark's nspi.idl: the strings are never read
          for (const has of present) if (has) walkString(w, type === 0x101f ? 2 : 1);
        });
      break;
    }
    default:
      w.fail(`property type 0x${type.toString(16)} not walked here`);
  }
  return tag;
}

/** PropertyRowSet_r behind a unique pointer; returns the tags of each row. */
export function walkRowSetPointer(w: StubWalk): number[][] | undefined {
  return walkRows(w, false);
}

/** The same walk with PT_MV_UNICODE read the way Wireshark's nspi.idl reads it (for a test). */
export function walkRowSetPointerSkippingStrings(w: StubWalk): number[][] | undefined {
  return walkRows(w, true);
}

function walkRows(w: StubWalk, mvUnicodeAsUint32: boolean): number[][] | undefined {
  if (w.u32() === 0) return undefined;
  const max = w.u32();
  const rows = w.u32();
  if (max !== rows) w.fail(`PropertyRowSet_r max_count ${max}, cRows ${rows}`);
  const heads = Array.from({ length: rows }, () => {
    w.u32(); // ulAdrEntryPad
    return { cValues: w.u32(), lpProps: w.u32() };
  });
  return heads.map(({ cValues, lpProps }) => {
    if (lpProps === 0) return [];
    if (w.u32() !== cValues) w.fail("PropertyValue_r array max_count differs from cValues");
    const deferred: Deferred[] = [];
    const tags = Array.from({ length: cValues }, () => walkValue(w, deferred, mvUnicodeAsUint32));
    for (const run of deferred) run();
    return tags;
  });
}

/** [in] NSPI_HANDLE hRpc (20 bytes), then a DWORD and the STAT (9 DWORDs, [ref] so inline). */
export function walkHandleFlagsStat(w: StubWalk): void {
  w.skip(20, "context handle");
  w.u32();
  for (let i = 0; i < 9; i++) w.u32();
}

/** PropertyRow_r behind a unique pointer (NspiGetProps' ppRows). */
export function walkRowPointer(w: StubWalk): number[] | undefined {
  if (w.u32() === 0) return undefined;
  w.u32(); // ulAdrEntryPad
  const cValues = w.u32();
  if (w.u32() === 0) return [];
  if (w.u32() !== cValues) w.fail("PropertyValue_r array max_count differs from cValues");
  const deferred: Deferred[] = [];
  const tags = Array.from({ length: cValues }, () => walkValue(w, deferred));
  for (const run of deferred) run();
  return tags;
}

/** One PropertyValue_r as a [ref] parameter: inline, then its own pointee (a string, bytes). */
export function walkPropertyValue(w: StubWalk): number {
  const deferred: Deferred[] = [];
  const tag = walkValue(w, deferred);
  for (const run of deferred) run();
  return tag;
}
