import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { RouteContext } from "../http/router.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import { type DirectoryEntry, NspiDirectory, permanentEntryId, SERVER_DN, Tag } from "./nspi-directory.js";
import { BodyError, Reader, type SimStat, type SimValue, successBody, type Writer } from "./nspi-wire.js";

// The MAPI/HTTP address book endpoint (MS-OXCMAPIHTTP 2.2.5, 3.2; semantics of MS-OXNSPI):
// session contexts named by the MapiContext cookie and checked with MapiSequence, as the
// mailbox endpoint does, over the directory in nspi-directory.ts.

/** X-ResponseCode values (2.2.3.3.3). */
const Code = {
  InvalidRequestType: 5,
  ContextNotFound: 10,
  InvalidRequestBody: 12,
  MissingCookie: 13,
  InvalidSequence: 15,
} as const;

/** NSPI return values (MS-OXNSPI 2.2.1.2). */
const Ec = {
  Success: 0,
  UnbindSuccess: 1,
  ErrorsReturned: 0x00040380,
  NotFound: 0x8004010f,
  InvalidCodePage: 0x80040407,
  InvalidBookmark: 0x80040405,
  TooComplex: 0x80040117,
} as const;

/** Positioning Minimal Entry IDs (MS-OXNSPI 2.2.1.8). */
const MID_BEGINNING_OF_TABLE = 0;
const MID_CURRENT = 1;
const MID_END_OF_TABLE = 2;
const CP_WINUNICODE = 1200;
const SERVER_APPLICATION = "Exchange/15.02.1544.004";
/** The GUID this "server" hands out in Bind (ProviderUID of its Ephemeral Entry IDs). */
const SERVER_GUID = Buffer.from("5e2a1c0b9d3f4a6e8b7c6d5e4f3a2b1c", "hex");

interface AddressBookSession {
  sequence: string;
}

export interface NspiSimStats {
  binds: number;
  requests: number;
  expired: number;
}

export class NspiEndpoint {
  readonly #store: MailboxStore;
  #directory: NspiDirectory | undefined;
  readonly #sessions = new Map<string, AddressBookSession>();
  readonly stats: NspiSimStats = { binds: 0, requests: 0, expired: 0 };

  constructor(store: MailboxStore) {
    this.#store = store;
  }

  /** Built on first use, from the store as it is then. */
  get directory(): NspiDirectory {
    this.#directory ??= new NspiDirectory(this.#store);
    return this.#directory;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  expireSessions(): number {
    const count = this.#sessions.size;
    this.#sessions.clear();
    return count;
  }

  async handle(context: RouteContext): Promise<void> {
    const { req, res } = context;
    const requestType = String(req.headers["x-requesttype"] ?? "");
    const echo: Record<string, string> = {
      "X-RequestType": requestType,
      "X-RequestId": String(req.headers["x-requestid"] ?? ""),
      "X-ClientInfo": String(req.headers["x-clientinfo"] ?? ""),
      "X-ServerApplication": SERVER_APPLICATION,
      "X-PendingPeriod": "15000",
      "X-ExpirationInfo": "900000",
    };
    const body = await context.body();
    if (requestType === "PING") return respond(res, echo, [], Buffer.alloc(0));
    const origin = `https://${req.headers.host ?? "localhost"}`;
    if (requestType === "Bind") {
      return this.#guard(res, echo, () => {
        const r = new Reader(body);
        r.u32(); // Flags
        const state = r.optional(() => r.stat());
        r.end();
        // NspiBind refuses the Unicode code page in its STAT (MS-OXNSPI 3.1.4.1.1).
        if (state?.codePage === CP_WINUNICODE)
          return successBody(Ec.InvalidCodePage, (w) => w.bytes(Buffer.alloc(16)));
        this.stats.binds += 1;
        const contextId = randomBytes(16).toString("hex");
        const session = { sequence: randomBytes(8).toString("hex") };
        this.#sessions.set(contextId, session);
        const cookies = [
          `MapiContext=${contextId}; path=/mapi/nspi/; secure; HttpOnly`,
          `MapiSequence=${session.sequence}; path=/mapi/nspi/; secure; HttpOnly`,
        ];
        return { body: successBody(Ec.Success, (w) => w.bytes(SERVER_GUID)), cookies };
      });
    }
    const cookies = parseCookies(req.headers.cookie);
    const contextId = cookies.get("MapiContext");
    if (contextId === undefined) return fail(res, echo, Code.MissingCookie);
    const session = this.#sessions.get(contextId);
    if (!session) {
      this.stats.expired += 1;
      return fail(res, echo, Code.ContextNotFound);
    }
    if (cookies.get("MapiSequence") !== session.sequence) return fail(res, echo, Code.InvalidSequence);
    session.sequence = randomBytes(8).toString("hex");
    const sequenceCookie = [`MapiSequence=${session.sequence}; path=/mapi/nspi/; secure; HttpOnly`];
    this.stats.requests += 1;
    if (requestType === "Unbind") {
      return this.#guard(res, echo, () => {
        const r = new Reader(body);
        r.u32();
        r.end();
        this.#sessions.delete(contextId);
        return { body: successBody(Ec.UnbindSuccess), cookies: [] };
      });
    }
    const handler = this.#handlers(origin)[requestType];
    if (!handler) return fail(res, echo, Code.InvalidRequestType);
    return this.#guard(res, echo, () => ({ body: handler(new Reader(body)), cookies: sequenceCookie }));
  }

  #guard(
    res: ServerResponse,
    echo: Record<string, string>,
    run: () => Buffer | { body: Buffer; cookies: string[] },
  ): void {
    let out: Buffer | { body: Buffer; cookies: string[] };
    try {
      out = run();
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      fail(res, echo, Code.InvalidRequestBody);
      return;
    }
    if (Buffer.isBuffer(out)) respond(res, echo, [], out);
    else respond(res, echo, out.cookies, out.body);
  }

  #handlers(origin: string): Record<string, (r: Reader) => Buffer> {
    const dir = this.directory;
    const mailboxUrl = `${origin}/mapi/emsmdb/?MailboxId=${encodeURIComponent(this.#store.user.address)}`;
    const addressBookUrl = `${origin}/mapi/nspi/?MailboxId=${encodeURIComponent(this.#store.user.address)}`;
    return {
      // 2.2.5.8: the hierarchy table; one container, the GAL.
      GetSpecialTable: (r) => {
        r.u32();
        r.optional(() => r.stat());
        r.optional(() => r.u32());
        r.end();
        return successBody(Ec.Success, (w) => {
          w.u32(1252).u8(1).u32(1).u8(1).u32(1);
          const values: [number, SimValue][] = [
            [Tag.EntryId, permanentEntryId(0x100, "/")],
            [Tag.ContainerFlags, 0x9], // AB_RECIPIENTS | AB_UNMODIFIABLE
            [Tag.Depth, 0],
            [Tag.ContainerId, 0],
            [Tag.DisplayName, "Global Address List"],
            [Tag.IsMaster, false],
          ];
          w.u32(values.length);
          for (const [tag, value] of values) w.u32(tag).addressBookValue(tag & 0xffff, value);
        });
      },
      // 2.2.5.14 / MS-OXNSPI 3.1.4.1.17.
      ResolveNames: (r) => {
        r.u32();
        r.optional(() => r.stat());
        const columns = r.optional(() => r.tags()) ?? [Tag.EntryId, Tag.DisplayName, Tag.EmailAddress];
        const names = r.optional(() => Array.from({ length: r.count(2) }, () => r.unicodeZ())) ?? [];
        r.end();
        const mids: number[] = [];
        const rows: DirectoryEntry[] = [];
        for (const name of names) {
          const found = dir.resolve(name);
          if (found.length === 1 && found[0]) {
            mids.push(found[0].mid);
            rows.push(found[0]);
          } else mids.push(found.length === 0 ? 0 : 1);
        }
        return successBody(Ec.Success, (w) => {
          w.u32(1252).u8(1).ids(mids).u8(1);
          writeRows(w, dir, columns, rows);
        });
      },
      // 2.2.5.12 / MS-OXNSPI 3.1.4.1.8: an Explicit Table, or the GAL from the STAT's position.
      QueryRows: (r) => {
        r.u32();
        const state = r.optional(() => r.stat());
        const explicit = r.mids();
        const rowCount = r.u32();
        const columns = r.optional(() => r.tags()) ?? [Tag.EntryId, Tag.DisplayName];
        r.end();
        if (explicit.length > 0) {
          const rows = explicit.slice(0, rowCount).map((mid) => dir.byMid(mid));
          return successBody(Ec.Success, (w) => {
            w.u8(0).u8(1);
            writeRows(w, dir, columns, rows);
          });
        }
        const stat = state ?? defaultStat();
        if (stat.containerId !== 0) return successBody(Ec.InvalidBookmark, (w) => w.u8(0).u8(0));
        const start = this.#position(stat);
        const rows = dir.entries.slice(start, start + rowCount);
        const next = start + rows.length;
        return successBody(Ec.Success, (w) => {
          w.u8(1).stat(this.#statAt(stat, next)).u8(1);
          writeRows(w, dir, columns, rows);
        });
      },
      // 2.2.5.17 / MS-OXNSPI 3.1.4.1.6: apply Delta and report where that lands.
      UpdateStat: (r) => {
        r.u32();
        const stat = r.optional(() => r.stat()) ?? defaultStat();
        const deltaRequested = r.u8() !== 0;
        r.end();
        const from = this.#base(stat);
        const to = this.#position(stat);
        return successBody(Ec.Success, (w) => {
          w.u8(1)
            .stat(this.#statAt(stat, to))
            .u8(deltaRequested ? 1 : 0);
          if (deltaRequested) w.i32(to - from);
        });
      },
      // 2.2.5.7 / MS-OXNSPI 3.1.4.1.7: the object is the STAT's CurrentRec.
      GetProps: (r) => {
        r.u32();
        const stat = r.optional(() => r.stat()) ?? defaultStat();
        const tags = r.optional(() => r.tags());
        r.end();
        const entry = dir.byMid(stat.currentRec);
        if (!entry) return successBody(Ec.NotFound, (w) => w.u32(1252).u8(0));
        const wanted = tags ?? [...entry.properties.keys()];
        let missing = false;
        const values = wanted.map((tag): [number, SimValue] => {
          const value = dir.value(entry, tag);
          if (value !== undefined) return [tag, value];
          missing = true;
          return [((tag & 0xffff0000) | 0x000a) >>> 0, Ec.NotFound];
        });
        return successBody(missing ? Ec.ErrorsReturned : Ec.Success, (w) => {
          w.u32(1252).u8(1).u32(values.length);
          for (const [tag, value] of values) w.u32(tag).addressBookValue(tag & 0xffff, value);
        });
      },
      // 2.2.5.4 / MS-OXNSPI 3.1.4.1.13.
      DNToMId: (r) => {
        r.u32();
        const names = r.optional(() => Array.from({ length: r.count(1) }, () => r.asciiZ())) ?? [];
        r.end();
        return successBody(Ec.Success, (w) => w.u8(1).ids(names.map((dn) => dir.byDn(dn)?.mid ?? 0)));
      },
      // 2.2.5.3 / MS-OXNSPI 3.1.4.1.5.
      CompareMIds: (r) => {
        r.u32();
        r.optional(() => r.stat());
        const a = dir.indexOf(r.u32());
        const b = dir.indexOf(r.u32());
        r.end();
        if (a < 0 || b < 0) return successBody(Ec.NotFound, (w) => w.i32(0));
        return successBody(Ec.Success, (w) => w.i32(Math.sign(a - b)));
      },
      // 2.2.5.13.
      QueryColumns: (r) => {
        r.u32();
        r.u32();
        r.end();
        return successBody(Ec.Success, (w) => w.u8(1).ids(dir.allTags()));
      },
      // 2.2.5.6.
      GetPropList: (r) => {
        r.u32();
        const entry = dir.byMid(r.u32());
        r.u32();
        r.end();
        if (!entry) return successBody(Ec.NotFound, (w) => w.u8(0));
        return successBody(Ec.Success, (w) => w.u8(1).ids([...entry.properties.keys()]));
      },
      // 2.2.5.5 / MS-OXNSPI 3.1.4.1.10: a restriction over the GAL.
      GetMatches: (r) => {
        r.u32();
        const stat = r.optional(() => r.stat()) ?? defaultStat();
        const explicit = r.optional(() => r.mids());
        r.u32(); // InterfaceOptionFlags
        const filter = r.optional(() => r.restriction());
        const propertyName = r.optional(() => r.take(20));
        const rowCount = r.u32();
        const columns = r.optional(() => r.tags());
        r.end();
        if (propertyName !== undefined || !filter)
          return successBody(Ec.TooComplex, (w) => w.u8(0).u8(0).u8(0));
        const scope = explicit ? explicit.flatMap((mid) => dir.byMid(mid) ?? []) : dir.entries;
        const found = scope.filter((e) => dir.matches(filter).includes(e)).slice(0, rowCount);
        return successBody(Ec.Success, (w) => {
          w.u8(1)
            .stat({ ...stat, totalRecs: found.length })
            .u8(1)
            .ids(found.map((e) => e.mid));
          if (!columns) w.u8(0);
          else {
            w.u8(1);
            writeRows(w, dir, columns, found);
          }
        });
      },
      // 2.2.5.16 / MS-OXNSPI 3.1.4.1.9: position at the first display name >= the target.
      SeekEntries: (r) => {
        r.u32();
        const stat = r.optional(() => r.stat()) ?? defaultStat();
        const target = r.optional(() => {
          const tag = r.u32();
          return { tag, value: r.addressBookValue(tag & 0xffff) };
        });
        const explicit = r.optional(() => r.mids());
        const columns = r.optional(() => r.tags());
        r.end();
        if (!target || typeof target.value !== "string")
          return successBody(Ec.TooComplex, (w) => w.u8(0).u8(0));
        const want = target.value.toLowerCase();
        const scope = explicit ? explicit.flatMap((mid) => dir.byMid(mid) ?? []) : dir.entries;
        const at = scope.findIndex((e) => e.displayName.toLowerCase().localeCompare(want, "en") >= 0);
        if (at < 0) return successBody(Ec.NotFound, (w) => w.u8(0).u8(0));
        const entry = scope[at] as DirectoryEntry;
        const position = dir.indexOf(entry.mid);
        return successBody(Ec.Success, (w) => {
          w.u8(1).stat({ ...this.#statAt(stat, position), currentRec: entry.mid });
          if (!columns) w.u8(0);
          else {
            w.u8(1);
            writeRows(w, dir, columns, scope.slice(at));
          }
        });
      },
      // 2.2.5.9: the sim has no display templates; it answers with a one-value placeholder row.
      GetTemplateInfo: (r) => {
        r.u32();
        const displayType = r.u32();
        r.optional(() => r.asciiZ());
        const codePage = r.u32();
        r.u32();
        r.end();
        if (displayType !== 0) return successBody(Ec.NotFound, (w) => w.u32(codePage).u8(0));
        return successBody(Ec.Success, (w) => {
          w.u32(codePage).u8(1).u32(1).u32(Tag.DisplayName).addressBookValue(0x001f, "Mail user");
        });
      },
      // 2.2.5.18: any server of the sim's organisation serves the sim's mailbox endpoint.
      GetMailboxUrl: (r) => {
        r.u32();
        const serverDn = r.unicodeZ();
        r.end();
        if (!serverDn.toLowerCase().startsWith(SERVER_DN.toLowerCase()))
          return successBody(Ec.NotFound, (w) => w.unicodeZ(""));
        return successBody(Ec.Success, (w) => w.unicodeZ(mailboxUrl));
      },
      // 2.2.5.19.
      GetAddressBookUrl: (r) => {
        r.u32();
        const userDn = r.unicodeZ();
        r.end();
        if (!dir.byDn(userDn)) return successBody(Ec.NotFound, (w) => w.unicodeZ(""));
        return successBody(Ec.Success, (w) => w.unicodeZ(addressBookUrl));
      },
    };
  }

  /** Table index CurrentRec names (MS-OXNSPI 3.1.4.5.2), before Delta. */
  #base(stat: SimStat): number {
    const count = this.directory.entries.length;
    if (stat.currentRec === MID_BEGINNING_OF_TABLE) return 0;
    if (stat.currentRec === MID_END_OF_TABLE) return count;
    if (stat.currentRec === MID_CURRENT) return Math.min(stat.numPos, count);
    const i = this.directory.indexOf(stat.currentRec);
    return i < 0 ? Math.min(stat.numPos, count) : i;
  }

  /** Where CurrentRec plus Delta lands, clamped to the table. */
  #position(stat: SimStat): number {
    const count = this.directory.entries.length;
    return Math.max(0, Math.min(count, this.#base(stat) + stat.delta));
  }

  /** The STAT for table index `index`: CurrentRec its MId (or end of table), NumPos, TotalRecs, Delta 0. */
  #statAt(stat: SimStat, index: number): SimStat {
    const entries = this.directory.entries;
    const entry = entries[index];
    return {
      ...stat,
      currentRec: entry ? entry.mid : MID_END_OF_TABLE,
      delta: 0,
      numPos: index,
      totalRecs: entries.length,
    };
  }
}

function defaultStat(): SimStat {
  return {
    sortType: 0,
    containerId: 0,
    currentRec: 0,
    delta: 0,
    numPos: 0,
    totalRecs: 0,
    codePage: 1252,
    templateLocale: 1033,
    sortLocale: 1033,
  };
}

/**
 * Columns, RowCount and AddressBookPropertyRows (2.2.1.7, 2.2.1.8). A row with every value
 * present uses Flags 0; otherwise Flags 1 and a flag per cell (0 value, 0xA error NotFound).
 */
function writeRows(
  w: Writer,
  dir: NspiDirectory,
  columns: readonly number[],
  rows: readonly (DirectoryEntry | undefined)[],
): void {
  w.ids(columns).u32(rows.length);
  for (const entry of rows) {
    const values = columns.map((tag) => (entry ? dir.value(entry, tag) : undefined));
    const complete = values.every((v) => v !== undefined);
    w.u8(complete ? 0 : 1);
    values.forEach((value, i) => {
      const type = (columns[i] as number) & 0xffff;
      if (!complete) {
        if (value === undefined) {
          w.u8(0x0a).u32(Ec.NotFound);
          return;
        }
        w.u8(0);
      }
      w.addressBookValue(type, value as SimValue);
    });
  }
}

/** A failure above the NSPI layer: HTTP 200 with a non-zero X-ResponseCode and no body. */
function fail(res: ServerResponse, echo: Record<string, string>, code: number): void {
  res.writeHead(200, {
    ...echo,
    "Content-Type": "application/mapi-http",
    "X-ResponseCode": String(code),
    "Content-Length": "0",
  });
  res.end();
}

function respond(res: ServerResponse, echo: Record<string, string>, cookies: string[], body: Buffer): void {
  const started = Date.now();
  res.writeHead(200, {
    ...echo,
    "Content-Type": "application/mapi-http",
    "X-ResponseCode": "0",
    ...(cookies.length ? { "Set-Cookie": cookies } : {}),
  });
  res.write("PROCESSING\r\n");
  const tail = `DONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: ${Date.now() - started}\r\nX-StartTime: ${new Date(started).toUTCString()}\r\n\r\n`;
  res.end(Buffer.concat([Buffer.from(tail, "latin1"), body]));
}

function parseCookies(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return map;
}
