import { randomBytes } from "node:crypto";
import { type DirectoryEntry, NspiDirectory, Tag } from "../mapi/nspi-directory.js";
import type { SimValue } from "../mapi/nspi-wire.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import { type CallResult, FAULT } from "./emsmdb-service.js";
import { NdrIn, NdrOut } from "./ndr.js";

// NSPI (MS-OXNSPI 3.1.4.1) over DCE/RPC on the simulator, over the same directory as its
// MAPI/HTTP address book: NspiBind, NspiUnbind, NspiGetSpecialTable, NspiDNToMId,
// NspiGetProps, NspiQueryRows, NspiGetMatches (string, exist and AND/OR/NOT restrictions), NspiResolveNamesW. Written here from the IDL (appendix A),
// independently of @mailwire/rpc-http's codec.

export const NSPI_UUID = "f5cc5a18-4264-101a-8c59-08002b2f8426";

const MID_BEGINNING_OF_TABLE = 0;
const MID_END_OF_TABLE = 2;
/** ecNotFound (MS-OXCDATA 2.4). */
const EC_NOT_FOUND = 0x8004010f;
const MID_UNRESOLVED = 0;
const MID_AMBIGUOUS = 1;
const ErrorsReturned = 0x80040380;
const NotFound = 0x8004010f;
const UNBIND_SUCCESS = 1;

interface Stat {
  sortType: number;
  containerId: number;
  currentRec: number;
  delta: number;
  numPos: number;
  totalRecs: number;
  codePage: number;
  templateLocale: number;
  sortLocale: number;
}

function readStat(ndr: NdrIn): Stat {
  const v = Array.from({ length: 9 }, () => ndr.u32());
  return {
    sortType: v[0] as number,
    containerId: v[1] as number,
    currentRec: v[2] as number,
    delta: (v[3] as number) | 0,
    numPos: v[4] as number,
    totalRecs: v[5] as number,
    codePage: v[6] as number,
    templateLocale: v[7] as number,
    sortLocale: v[8] as number,
  };
}

function writeStat(out: NdrOut, s: Stat): void {
  for (const v of [
    s.sortType,
    s.containerId,
    s.currentRec,
    s.delta,
    s.numPos,
    s.totalRecs,
    s.codePage,
    s.templateLocale,
    s.sortLocale,
  ]) {
    out.u32(v);
  }
}

/** [in, unique] PropertyTagArray_r*: max_count (cValues+1), cValues, offset, actual, tags. */
function readTags(ndr: NdrIn): number[] | undefined {
  if (ndr.u32() === 0) return undefined;
  ndr.u32();
  const count = ndr.u32();
  ndr.u32();
  ndr.u32();
  if (count > 1000) throw new Error("too many tags");
  return Array.from({ length: count }, () => ndr.u32());
}

function writeTagArray(out: NdrOut, values: readonly number[]): void {
  out
    .referent()
    .u32(values.length + 1)
    .u32(values.length)
    .u32(0)
    .u32(values.length);
  for (const v of values) out.u32(v);
}

/** A conformant-varying [string] wchar_t* (max_count, offset, actual_count, UTF-16LE). */
function wideIn(ndr: NdrIn): string {
  ndr.u32();
  ndr.u32();
  return ndr
    .take(ndr.u32() * 2)
    .toString("utf16le")
    .replace(/\0.*$/s, "");
}

/** [string] strings of a StringsArray_r / WStringsArray_r (max_count, Count, referents, strings). */
function readStrings(ndr: NdrIn, wide: boolean): string[] {
  ndr.u32();
  const count = ndr.u32();
  if (count > 1000) throw new Error("too many names");
  const present = Array.from({ length: count }, () => ndr.u32() !== 0);
  return present.map((has) => {
    if (!has) return "";
    if (!wide) return ndr.string();
    ndr.u32();
    ndr.u32();
    const units = ndr.u32();
    const text = ndr.take(units * 2).toString("utf16le");
    return text.replace(/\0.*$/s, "");
  });
}

const PID_TAG_ANR = 0x360c001f;

type Filter =
  | { kind: "property" | "content"; tag: number; fuzzy: number; value: string }
  | { kind: "exist"; tag: number }
  | { kind: "and" | "or"; children: Filter[] }
  | { kind: "not"; child: Filter | undefined };

/** Bounds on what a client's restriction may make the sim read (the IDL allows cRes up to 100000). */
const MAX_RESTRICTION_DEPTH = 16;
const MAX_RESTRICTION_CHILDREN = 1000;

/** A Restriction_r pointee: its flat part, then the pointees of its embedded pointers in order. */
function readFilter(ndr: NdrIn, depth = 0): Filter {
  const [filter, rest] = readFlatFilter(ndr, depth);
  for (const read of rest) read();
  return filter;
}

/**
 * The flat part of one Restriction_r (rt, the union switch, the arm), returning the readers
 * of its deferred pointees: RES_AND/RES_OR (cRes, lpRes), RES_NOT (lpRes), RES_CONTENT and
 * RES_PROPERTY with a string lpProp, RES_EXIST (MS-OXCDATA 2.12, MS-OXNSPI appendix A).
 */
function readFlatFilter(ndr: NdrIn, depth: number): [Filter, (() => void)[]] {
  if (depth > MAX_RESTRICTION_DEPTH) throw new Error("restriction nested too deep");
  const rt = ndr.u32();
  if (ndr.u32() !== rt) throw new Error("restriction switch differs from rt");
  switch (rt) {
    case 0:
    case 1: {
      const count = ndr.u32();
      if (count > MAX_RESTRICTION_CHILDREN) throw new Error(`restriction with ${count} children`);
      const present = ndr.u32() !== 0;
      const node: Filter = { kind: rt === 0 ? "and" : "or", children: [] };
      const read = () => {
        if (!present) return;
        if (ndr.u32() !== count) throw new Error("lpRes size differs from cRes");
        const rests: (() => void)[] = [];
        for (let i = 0; i < count; i++) {
          const [child, rest] = readFlatFilter(ndr, depth + 1);
          node.children.push(child);
          rests.push(...rest);
        }
        for (const next of rests) next();
      };
      return [node, [read]];
    }
    case 2: {
      if (ndr.u32() === 0) throw new Error("RES_NOT without a restriction");
      const node: Filter = { kind: "not", child: undefined };
      return [
        node,
        [
          () => {
            node.child = readFilter(ndr, depth + 1);
          },
        ],
      ];
    }
    case 8: {
      ndr.u32(); // ulReserved1
      const tag = ndr.u32();
      ndr.u32(); // ulReserved2
      return [{ kind: "exist", tag }, []];
    }
    case 3:
    case 4: {
      const first = ndr.u32(); // ulFuzzyLevel (content) or relop (property)
      const tag = ndr.u32();
      if (ndr.u32() === 0) throw new Error("restriction without a value");
      const node: Filter = {
        kind: rt === 3 ? "content" : "property",
        tag,
        fuzzy: rt === 3 ? first : 0,
        value: "",
      };
      const read = () => {
        ndr.u32(); // PropertyValue_r.ulPropTag
        ndr.u32(); // ulReserved
        const type = ndr.u32();
        if (ndr.u32() === 0) throw new Error("null string");
        if (type === 0x001f) {
          ndr.u32();
          ndr.u32();
          node.value = ndr
            .take(ndr.u32() * 2)
            .toString("utf16le")
            .replace(/\0.*$/s, "");
        } else node.value = ndr.string();
      };
      return [node, [read]];
    }
    default:
      throw new Error(`restriction type ${rt} not supported`);
  }
}

type Pointee = (out: NdrOut) => void;

const wideString =
  (text: string): Pointee =>
  (out) => {
    const bytes = Buffer.from(`${text}\0`, "utf16le");
    out
      .u32(text.length + 1)
      .u32(0)
      .u32(text.length + 1)
      .bytes(bytes);
  };
const narrowString =
  (text: string): Pointee =>
  (out) => {
    out.varying(Buffer.from(`${text}\0`, "latin1"));
  };

/** One PropertyValue_r inline (tag, reserved, union switch, arm); pointees pushed to `later`. */
function writeValue(out: NdrOut, tag: number, value: SimValue | undefined, later: Pointee[]): boolean {
  const type = tag & 0xffff;
  if (value === undefined) {
    // Not there: PtypErrorCode with NotFound in the tag's place (MS-OXNSPI 3.1.4.1.13? ErrorsReturned).
    const errorTag = ((tag & 0xffff0000) | 0x000a) >>> 0;
    out.u32(errorTag).u32(0).u32(0x000a).u32(NotFound);
    return false;
  }
  out.u32(tag).u32(0).u32(type);
  switch (type) {
    case 0x0003:
    case 0x000a:
      out.u32(Number(value));
      break;
    case 0x000b:
      out.u16(value ? 1 : 0);
      break;
    case 0x001f:
    case 0x001e: {
      out.referent();
      later.push(type === 0x001f ? wideString(String(value)) : narrowString(String(value)));
      break;
    }
    case 0x0102: {
      const bytes = value as Uint8Array;
      out.u32(bytes.length).referent();
      later.push((o) => o.u32(bytes.length).bytes(bytes));
      break;
    }
    case 0x101f:
    case 0x101e: {
      const list = value as readonly string[];
      out.u32(list.length).referent();
      later.push((o) => {
        o.u32(list.length);
        for (const _ of list) o.referent();
        for (const text of list) (type === 0x101f ? wideString(text) : narrowString(text))(o);
      });
      break;
    }
    default:
      throw new Error(`no NDR arm for property type 0x${type.toString(16)}`);
  }
  return true;
}

/** lpProps' pointee: max_count, the values, then their pointees in order. Returns whether every column was found. */
function writeValues(
  out: NdrOut,
  columns: readonly number[],
  value: (tag: number) => SimValue | undefined,
): boolean {
  out.u32(columns.length);
  const later: Pointee[] = [];
  let all = true;
  for (const tag of columns) all = writeValue(out, tag, value(tag), later) && all;
  for (const write of later) write(out);
  return all;
}

function writeRowSet(
  out: NdrOut,
  rows: readonly ((tag: number) => SimValue | undefined)[],
  columns: readonly number[],
): void {
  out.referent().u32(rows.length).u32(rows.length);
  for (const _ of rows) out.u32(0).u32(columns.length).referent();
  for (const row of rows) writeValues(out, columns, row);
}

const DEFAULT_COLUMNS = [
  Tag.DisplayName,
  Tag.SmtpAddress,
  Tag.EmailAddress,
  Tag.ObjectType,
  Tag.DisplayType,
  Tag.Account,
];

export class NspiService {
  readonly #directory: NspiDirectory;
  readonly #handles = new Set<string>();
  readonly #serverGuid = randomBytes(16);
  readonly stats = { binds: 0, queryRows: 0, resolveNames: 0 };

  constructor(store: MailboxStore) {
    this.#directory = new NspiDirectory(store);
  }

  call(opnum: number, stub: Buffer): CallResult {
    const ndr = new NdrIn(stub);
    if (opnum === 0) return this.#bind(ndr);
    const handle = ndr.handle().toString("hex");
    if (!this.#handles.has(handle)) return { fault: FAULT.context_mismatch };
    const entry = (mid: number) => this.#directory.byMid(mid);
    const rowOf = (mid: number) => (tag: number) => {
      const e = entry(mid);
      return e ? this.#directory.value(e, tag) : undefined;
    };
    switch (opnum) {
      case 1: {
        this.#handles.delete(handle);
        return { stub: new NdrOut().handle(Buffer.alloc(20)).u32(UNBIND_SUCCESS).finish() };
      }
      case 12: {
        ndr.u32(); // dwFlags
        readStat(ndr);
        const version = ndr.u32();
        const out = new NdrOut().u32(version);
        // One container: the Global Address List (MS-OXNSPI 3.1.4.1.3 hierarchy table).
        const columns = [Tag.ContainerId, Tag.ContainerFlags, Tag.Depth, Tag.DisplayName, Tag.IsMaster];
        const gal = new Map<number, SimValue>([
          [Tag.ContainerId, 0],
          [Tag.ContainerFlags, 1],
          [Tag.Depth, 0],
          [Tag.DisplayName, ""],
          [Tag.IsMaster, false],
        ]);
        writeRowSet(out, [(tag) => gal.get(tag)], columns);
        return { stub: out.u32(0).finish() };
      }
      case 7: {
        ndr.u32(); // Reserved
        const names = readStrings(ndr, false);
        const mids = names.map((dn) => this.#directory.byDn(dn)?.mid ?? 0);
        const out = new NdrOut();
        writeTagArray(out, mids);
        return { stub: out.u32(0).finish() };
      }
      case 9: {
        ndr.u32(); // dwFlags
        const stat = readStat(ndr);
        const e = entry(stat.currentRec);
        if (!e) return { stub: new NdrOut().u32(0).u32(NotFound).finish() };
        const columns = readTags(ndr) ?? this.#directory.allTags();
        const out = new NdrOut().referent().u32(0).u32(columns.length).referent();
        const all = writeValues(out, columns, rowOf(e.mid));
        return { stub: out.u32(all ? 0 : ErrorsReturned).finish() };
      }
      case 3: {
        this.stats.queryRows += 1;
        ndr.u32(); // dwFlags
        const stat = readStat(ndr);
        const explicit = ndr.u32();
        let mids: number[] | undefined;
        if (ndr.u32() !== 0) {
          ndr.u32();
          mids = Array.from({ length: explicit }, () => ndr.u32());
        }
        const count = Math.min(ndr.u32(), 1000);
        const columns = readTags(ndr) ?? DEFAULT_COLUMNS;
        const all = this.#directory.entries;
        let rows: number[];
        const next = { ...stat, totalRecs: all.length, delta: 0 };
        if (mids) rows = mids;
        else {
          const at =
            stat.currentRec === MID_BEGINNING_OF_TABLE
              ? 0
              : stat.currentRec === MID_END_OF_TABLE
                ? all.length
                : Math.max(0, this.#directory.indexOf(stat.currentRec));
          const start = Math.min(Math.max(at + stat.delta, 0), all.length);
          rows = all.slice(start, start + count).map((e) => e.mid);
          const end = start + rows.length;
          next.currentRec = end >= all.length ? MID_END_OF_TABLE : (all[end]?.mid ?? MID_END_OF_TABLE);
          next.numPos = end;
        }
        const out = new NdrOut();
        writeStat(out, next);
        writeRowSet(out, rows.map(rowOf), columns);
        return { stub: out.u32(0).finish() };
      }
      case 4: {
        // NspiSeekEntries (MS-OXNSPI 3.1.4.1.9): the first row of the container, sorted by
        // display name, at or after the target; lpETable and rows back are not simulated.
        ndr.u32(); // Reserved
        const stat = readStat(ndr);
        const tag = ndr.u32();
        ndr.u32(); // ulReserved
        const type = ndr.u32();
        if (type !== (tag & 0xffff) || (type !== 0x001f && type !== 0x001e) || ndr.u32() === 0) {
          return { fault: FAULT.bad_stub_data };
        }
        const target = type === 0x001f ? wideIn(ndr) : ndr.string();
        if (ndr.u32() !== 0) return { fault: FAULT.bad_stub_data }; // lpETable
        if (tag !== Tag.DisplayName || readTags(ndr) !== undefined) return { fault: FAULT.bad_stub_data };
        const all = this.#directory.entries;
        const at = all.findIndex(
          (e) => e.displayName.localeCompare(target, "en", { sensitivity: "base" }) >= 0,
        );
        const out = new NdrOut();
        if (at < 0) {
          writeStat(out, {
            ...stat,
            currentRec: MID_END_OF_TABLE,
            delta: 0,
            numPos: all.length,
            totalRecs: all.length,
          });
          return { stub: out.u32(0).u32(EC_NOT_FOUND).finish() };
        }
        writeStat(out, {
          ...stat,
          currentRec: all[at]?.mid as number,
          delta: 0,
          numPos: at,
          totalRecs: all.length,
        });
        return { stub: out.u32(0).u32(0).finish() }; // ppRows null, success
      }
      case 5: {
        ndr.u32(); // Reserved1
        const stat = readStat(ndr);
        readTags(ndr); // pReserved
        ndr.u32(); // Reserved2
        const filter = ndr.u32() !== 0 ? readFilter(ndr) : undefined;
        if (ndr.u32() !== 0) return { fault: FAULT.bad_stub_data }; // lpPropName: not supported
        const requested = ndr.u32();
        const columns = readTags(ndr) ?? DEFAULT_COLUMNS;
        const matches = filter ? this.#match(filter).slice(0, requested) : [];
        const out = new NdrOut();
        writeStat(out, { ...stat, totalRecs: matches.length });
        writeTagArray(out, matches);
        writeRowSet(out, matches.map(rowOf), columns);
        return { stub: out.u32(0).finish() };
      }
      case 20: {
        this.stats.resolveNames += 1;
        ndr.u32(); // Reserved
        readStat(ndr);
        const columns = readTags(ndr) ?? DEFAULT_COLUMNS;
        const names = readStrings(ndr, true);
        const found = names.map((name) => this.#directory.resolve(name));
        const mids = found.map((list) =>
          list.length === 1 ? (list[0]?.mid as number) : list.length > 1 ? MID_AMBIGUOUS : MID_UNRESOLVED,
        );
        const resolved = found
          .filter((list) => list.length === 1)
          .map((list) => rowOf(list[0]?.mid as number));
        const out = new NdrOut();
        writeTagArray(out, mids);
        writeRowSet(out, resolved, columns);
        return { stub: out.u32(0).finish() };
      }
      default:
        return { fault: FAULT.op_rng_error };
    }
  }

  /** Entries matching a restriction: ANR on PidTagAnr, string equality or prefix/substring, AND/OR/NOT, exist. */
  #match(filter: Filter): number[] {
    return this.#directory.entries.filter((e) => this.#test(e, filter)).map((e) => e.mid);
  }

  #test(entry: DirectoryEntry, filter: Filter): boolean {
    switch (filter.kind) {
      case "and":
        return filter.children.every((child) => this.#test(entry, child));
      case "or":
        return filter.children.some((child) => this.#test(entry, child));
      case "not":
        return filter.child !== undefined && !this.#test(entry, filter.child);
      case "exist":
        return this.#directory.value(entry, filter.tag) !== undefined;
      default: {
        if (filter.tag === PID_TAG_ANR) {
          return this.#directory.resolve(filter.value).some((e) => e.mid === entry.mid);
        }
        const value = this.#directory.value(entry, filter.tag);
        if (typeof value !== "string") return false;
        const text = value.toLowerCase();
        const wanted = filter.value.toLowerCase();
        if (filter.kind === "property") return text === wanted;
        return (filter.fuzzy & 0xf) === 2 ? text.startsWith(wanted) : text.includes(wanted);
      }
    }
  }

  #bind(ndr: NdrIn): CallResult {
    ndr.u32(); // dwFlags
    readStat(ndr);
    this.stats.binds += 1;
    const handle = Buffer.concat([Buffer.alloc(4), randomBytes(16)]);
    this.#handles.add(handle.toString("hex"));
    return { stub: new NdrOut().referent().bytes(this.#serverGuid).handle(handle).u32(0).finish() };
  }
}
