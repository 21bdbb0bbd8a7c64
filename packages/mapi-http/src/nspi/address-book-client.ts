import { ClosedError, InvalidArgumentError, ProtocolError, throwIfAborted } from "@mailwire/core";
import {
  createStat,
  type Guid,
  MidPosition,
  NspiErrorCode,
  NspiFlag,
  type PropertyTag,
  ResolveResult,
  type Restriction,
  type Stat,
  type TransportCallOptions,
} from "@mailwire/mapi";
import { MapiHttpChannel, type MapiHttpChannelOptions } from "../client/mapi-http-channel.js";
import { MapiHttpError } from "../client/mapi-http-error.js";
import { MapiHttpResponseCode } from "../codec/response-codes.js";
import {
  type AddressBookEntry,
  DEFAULT_ADDRESS_BOOK_COLUMNS,
  entryFromRow,
  entryFromValues,
} from "./address-book-entry.js";
import type { AddressBookTaggedValue, ColumnsAndRows } from "./address-book-values.js";
import { type AddressBookRequestType, NspiBodies } from "./nspi-bodies.js";
import type { BodyCodec, NspiSuccessResponse, ResponseBody } from "./nspi-body.js";

export interface MapiHttpAddressBookOptions extends MapiHttpChannelOptions {
  /** Code page for 8-bit strings in the STAT (default 1252; Bind refuses 1200). */
  readonly codePage?: number;
  /** Sort and template locale (default 1033, en-US). */
  readonly lcid?: number;
  /**
   * After X-ResponseCode 10 (session context gone, MS-OXCMAPIHTTP 3.2.5.6) Bind again and
   * resend the request once. Address book requests only read, so resending is safe. Default true.
   */
  readonly rebindOnReset?: boolean;
}

/** Per-call options: the columns to return, plus cancellation and a timeout. */
export interface AddressBookCallOptions extends TransportCallOptions {
  readonly columns?: readonly PropertyTag[];
}

/** How each name given to `resolveNames` came out (MS-OXNSPI 3.1.4.1.17). */
export type ResolvedName =
  | { readonly name: string; readonly status: "resolved"; readonly entry: AddressBookEntry }
  | { readonly name: string; readonly status: "ambiguous" | "unresolved" };

export interface QueryRowsOptions extends AddressBookCallOptions {
  /** Rows per QueryRows request (default 100). */
  readonly pageSize?: number;
  /** The container to list, by its Minimal Entry ID; 0 (default) is the Global Address List. */
  readonly containerId?: number;
  /**
   * Where to start: a STAT from `seekEntries` or `updateStat`, or one with a Delta (rows to
   * skip from CurrentRec). Default: the beginning of the container.
   */
  readonly state?: Stat;
}

export interface GetMatchesOptions extends AddressBookCallOptions {
  /** Most matches to ask the server for (GetMatches RowCount, default 1000). */
  readonly maxMatches?: number;
  /** Rows per QueryRows page over the matches (default 100). */
  readonly pageSize?: number;
  readonly containerId?: number;
}

type AnyResponse = ResponseBody<Record<string, never>> & Record<string, unknown>;

/**
 * The MAPI/HTTP address book endpoint (`/mapi/nspi/`, MS-OXCMAPIHTTP 2.2.5; semantics from
 * MS-OXNSPI): Bind on `connect()`, typed rows from ResolveNames, GetMatches, QueryRows and
 * GetProps, lists as async iterators, Unbind on `close()`. Uses the same HTTP client,
 * credentials, cookies and chunked-response handling as `MapiHttpMailboxTransport`.
 * Requests of one session go one at a time: each answer carries the sequence cookie the next
 * request presents.
 */
export class MapiHttpAddressBook {
  readonly #options: MapiHttpAddressBookOptions;
  readonly #channel: MapiHttpChannel;
  #queue: Promise<unknown> = Promise.resolve();
  #bound = false;
  #serverGuid: Guid | undefined;
  readonly stats = { requests: 0, pendingKeepAlives: 0, rebinds: 0 };

  constructor(options: MapiHttpAddressBookOptions) {
    this.#options = options;
    this.#channel = new MapiHttpChannel(options, this.stats);
  }

  /** Creates the client and binds. */
  static async connect(
    options: MapiHttpAddressBookOptions & TransportCallOptions,
  ): Promise<MapiHttpAddressBook> {
    const book = new MapiHttpAddressBook(options);
    try {
      await book.bind(options);
      return book;
    } catch (error) {
      await book.#channel.close();
      throw error;
    }
  }

  get bound(): boolean {
    return this.#bound;
  }

  /** The server's GUID from Bind (the ProviderUID of its Ephemeral Entry IDs). */
  get serverGuid(): Guid | undefined {
    return this.#serverGuid;
  }

  get serverApplication(): string | undefined {
    return this.#channel.serverApplication;
  }

  /** A cookie of the session (e.g. MapiContext), for diagnostics and tests. */
  cookie(name: string): string | undefined {
    return this.#channel.cookies.get(name);
  }

  /** A STAT for this client's code page and locale. */
  stat(fields: Partial<Stat> = {}): Stat {
    const lcid = this.#options.lcid ?? 1033;
    return createStat({
      codePage: this.#options.codePage ?? 1252,
      templateLocale: lcid,
      sortLocale: lcid,
      ...fields,
    });
  }

  /** Bind (2.2.5.1): opens a session context on the address book endpoint. */
  bind(options: TransportCallOptions = {}): Promise<Guid> {
    return this.#serial(() => this.#bind(options));
  }

  async #bind(options: TransportCallOptions): Promise<Guid> {
    // A new session context: cookies of an old one would name it.
    this.#channel.cookies.clear();
    const exchange = await this.#channel.post(
      "Bind",
      NspiBodies.Bind.request.encode({ flags: 0, state: this.stat() }),
      options,
    );
    const response = this.#check("Bind", NspiBodies.Bind.response.decode(exchange.body));
    this.#bound = true;
    this.#serverGuid = response.serverGuid;
    return response.serverGuid;
  }

  /**
   * Resolves names (display names, aliases, SMTP addresses; MS-OXNSPI 3.1.4.1.17) to one
   * entry each, or says that a name matched nothing or more than one object.
   */
  async resolveNames(
    names: readonly string[],
    options: AddressBookCallOptions = {},
  ): Promise<ResolvedName[]> {
    if (names.length === 0) return [];
    const columns = options.columns ?? DEFAULT_ADDRESS_BOOK_COLUMNS;
    const response = await this.#call(
      "ResolveNames",
      { reserved: 0, state: this.stat(), propertyTags: columns, names },
      options,
    );
    const mids = response.minimalIds ?? [];
    const block = response.columnsAndRows;
    let next = 0;
    return names.map((name, i): ResolvedName => {
      const mid = mids[i] ?? ResolveResult.MID_UNRESOLVED;
      if (mid === ResolveResult.MID_UNRESOLVED) return { name, status: "unresolved" };
      if (mid === ResolveResult.MID_AMBIGUOUS) return { name, status: "ambiguous" };
      // Rows come only for names that resolved, in the order of the names.
      const row = block?.rows[next];
      next += 1;
      if (!block || !row) return { name, status: "unresolved" };
      return { name, status: "resolved", entry: entryFromRow(block.columns, row, mid) };
    });
  }

  /**
   * Every entry of a container (the GAL by default) in sort order, one QueryRows request per
   * page, the STAT the server returns carried into the next request (MS-OXNSPI 3.1.4.1.8).
   */
  async *queryRows(options: QueryRowsOptions = {}): AsyncGenerator<AddressBookEntry, void, undefined> {
    const pageSize = checkPageSize(options.pageSize ?? 100);
    const columns = options.columns ?? DEFAULT_ADDRESS_BOOK_COLUMNS;
    let state = options.state ?? this.stat({ containerId: options.containerId ?? 0 });
    for (;;) {
      throwIfAborted(options.signal);
      const response = await this.#call(
        "QueryRows",
        { flags: 0, state, explicitTable: [], rowCount: pageSize, columns },
        options,
      );
      const rows = response.columnsAndRows?.rows ?? [];
      const block = response.columnsAndRows;
      for (const row of rows) yield entryFromRow(block?.columns ?? columns, row);
      if (rows.length < pageSize) return;
      // The server moves CurrentRec past the rows it returned (MS-OXNSPI 3.1.4.1.8). Without a
      // STAT in the answer, the same position plus the rows read so far names the next page.
      const next = response.state ?? { ...state, delta: state.delta + rows.length };
      if (next.currentRec === MidPosition.MID_END_OF_TABLE) return;
      if (sameStat(next, state)) {
        throw new ProtocolError("QueryRows returned a full page but did not move the table position");
      }
      state = next;
    }
  }

  /**
   * Entries matching a restriction (MS-OXNSPI 3.1.4.1.10): one GetMatches for the Minimal
   * Entry IDs, then QueryRows over that Explicit Table a page at a time.
   */
  async *getMatches(
    filter: Restriction,
    options: GetMatchesOptions = {},
  ): AsyncGenerator<AddressBookEntry, void, undefined> {
    const pageSize = checkPageSize(options.pageSize ?? 100);
    const columns = options.columns ?? DEFAULT_ADDRESS_BOOK_COLUMNS;
    const state = this.stat({ containerId: options.containerId ?? 0 });
    const matches = await this.#call(
      "GetMatches",
      { reserved: 0, state, interfaceOptionFlags: 0, filter, rowCount: options.maxMatches ?? 1000 },
      options,
    );
    const mids = matches.minimalIds ?? [];
    for (let at = 0; at < mids.length; at += pageSize) {
      throwIfAborted(options.signal);
      const page = mids.slice(at, at + pageSize);
      const response = await this.#call(
        "QueryRows",
        { flags: 0, state, explicitTable: page, rowCount: page.length, columns },
        options,
      );
      const block = response.columnsAndRows;
      const rows = block?.rows ?? [];
      for (let i = 0; i < rows.length; i++)
        yield entryFromRow(block?.columns ?? columns, rows[i] ?? [], page[i]);
    }
  }

  /** The properties of one object by Minimal Entry ID (GetProps, MS-OXNSPI 3.1.4.1.7). */
  async getProps(mid: number, options: AddressBookCallOptions = {}): Promise<AddressBookEntry> {
    const response = await this.#call(
      "GetProps",
      {
        flags: 0,
        state: this.stat({ currentRec: mid }),
        ...(options.columns ? { propertyTags: options.columns } : {}),
      },
      options,
      [NspiErrorCode.ErrorsReturned],
    );
    return entryFromValues(response.propertyValues ?? [], mid);
  }

  /** Minimal Entry IDs of DNs (DNToMId); 0 for a DN the server does not know. */
  async dnToMId(dns: readonly string[], options: TransportCallOptions = {}): Promise<number[]> {
    const response = await this.#call("DNToMId", { reserved: 0, names: dns }, options);
    return [...(response.minimalIds ?? [])];
  }

  /** Compares the positions of two objects in the current sort order: negative, 0 or positive. */
  async compareMIds(mid1: number, mid2: number, options: TransportCallOptions = {}): Promise<number> {
    const response = await this.#call(
      "CompareMIds",
      { reserved: 0, state: this.stat(), minimalId1: mid1, minimalId2: mid2 },
      options,
    );
    return response.result;
  }

  /** Every property tag the server can return in a table (QueryColumns). */
  async queryColumns(options: TransportCallOptions = {}): Promise<PropertyTag[]> {
    const response = await this.#call("QueryColumns", { reserved: 0, mapiFlags: 0 }, options);
    return [...(response.columns ?? [])];
  }

  /** The tags of the properties one object has (GetPropList). */
  async getPropList(mid: number, options: TransportCallOptions = {}): Promise<PropertyTag[]> {
    const response = await this.#call(
      "GetPropList",
      { flags: 0, minimalId: mid, codePage: this.#options.codePage ?? 1252 },
      options,
    );
    return [...(response.propertyTags ?? [])];
  }

  /**
   * Positions the table at the first row whose sort key is at least `target` (SeekEntries,
   * MS-OXNSPI 3.1.4.1.9) and returns the new STAT and the rows from there when columns are given.
   */
  async seekEntries(
    target: AddressBookTaggedValue,
    options: AddressBookCallOptions & { readonly state?: Stat } = {},
  ): Promise<{ state: Stat | undefined; entries: AddressBookEntry[] }> {
    const response = await this.#call(
      "SeekEntries",
      {
        reserved: 0,
        state: options.state ?? this.stat(),
        target,
        ...(options.columns ? { columns: options.columns } : {}),
      },
      options,
    );
    return { state: response.state, entries: entries(response.columnsAndRows) };
  }

  /** Applies a STAT's Delta on the server and returns the resulting position (UpdateStat). */
  async updateStat(
    state: Stat,
    options: TransportCallOptions = {},
  ): Promise<{ state: Stat | undefined; delta: number | undefined }> {
    const response = await this.#call("UpdateStat", { reserved: 0, state, deltaRequested: true }, options);
    return { state: response.state, delta: response.delta };
  }

  /**
   * The address book hierarchy table (GetSpecialTable, MS-OXNSPI 3.1.4.1.3): one entry per
   * container, the Global Address List first. `properties` holds PidTagAddressBookContainerId
   * (the container's Minimal Entry ID for `queryRows({ containerId })`) and PidTagDepth.
   */
  async getSpecialTable(options: TransportCallOptions = {}): Promise<AddressBookEntry[]> {
    const response = await this.#call(
      "GetSpecialTable",
      { flags: NspiFlag.NspiUnicodeStrings, state: this.stat() },
      options,
    );
    return (response.rows ?? []).map((row) => entryFromValues(row));
  }

  /** A display template (GetTemplateInfo): its properties as returned. */
  async getTemplateInfo(
    displayType: number,
    options: TransportCallOptions & { readonly templateDn?: string } = {},
  ): Promise<AddressBookEntry> {
    const lcid = this.#options.lcid ?? 1033;
    const response = await this.#call(
      "GetTemplateInfo",
      {
        flags: 0,
        displayType,
        ...(options.templateDn === undefined ? {} : { templateDn: options.templateDn }),
        codePage: this.#options.codePage ?? 1252,
        localeId: lcid,
      },
      options,
    );
    return entryFromValues(response.row ?? []);
  }

  /** The mailbox endpoint URL for a mailbox server's DN (GetMailboxUrl, 2.2.5.18). */
  async getMailboxUrl(serverDn: string, options: TransportCallOptions = {}): Promise<string> {
    const response = await this.#call("GetMailboxUrl", { flags: 0, serverDn }, options);
    return response.serverUrl;
  }

  /** The address book endpoint URL for a user's DN (GetAddressBookUrl, 2.2.5.19). */
  async getAddressBookUrl(userDn: string, options: TransportCallOptions = {}): Promise<string> {
    const response = await this.#call("GetAddressBookUrl", { flags: 0, userDn }, options);
    return response.serverUrl;
  }

  /** Unbind (2.2.5.2), then close the HTTP client if this object created it. */
  async close(options: TransportCallOptions = {}): Promise<void> {
    try {
      await this.#serial(() => this.#unbind(options));
    } finally {
      await this.#channel.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #unbind(options: TransportCallOptions): Promise<void> {
    if (!this.#bound) return;
    try {
      const exchange = await this.#channel.post(
        "Unbind",
        NspiBodies.Unbind.request.encode({ reserved: 0 }),
        options,
      );
      // Unbind answers UnbindSuccess (1), not Success (MS-OXNSPI 3.1.4.1.2).
      this.#check("Unbind", NspiBodies.Unbind.response.decode(exchange.body), [NspiErrorCode.UnbindSuccess]);
    } catch (error) {
      // A session the server already dropped is unbound either way.
      if (!(error instanceof MapiHttpError && error.responseCode === MapiHttpResponseCode.ContextNotFound))
        throw error;
    } finally {
      this.#bound = false;
      this.#channel.cookies.clear();
    }
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** One request/response of a bound session, resent once after a rebind if the context expired. */
  #call<K extends AddressBookRequestType>(
    requestType: K,
    request: Parameters<(typeof NspiBodies)[K]["request"]["encode"]>[0],
    options: TransportCallOptions,
    alsoSuccess: readonly number[] = [],
  ): Promise<SuccessOf<K>> {
    return this.#serial(async () => {
      if (!this.#bound) throw new ClosedError("MAPI/HTTP address book: not bound; call bind() first");
      const codecs = NspiBodies[requestType] as unknown as {
        request: BodyCodec<unknown>;
        response: BodyCodec<AnyResponse>;
      };
      const body = codecs.request.encode(request);
      let exchange: Awaited<ReturnType<MapiHttpChannel["post"]>>;
      try {
        exchange = await this.#channel.post(requestType, body, options);
      } catch (error) {
        const expired =
          error instanceof MapiHttpError && error.responseCode === MapiHttpResponseCode.ContextNotFound;
        if (!expired || this.#options.rebindOnReset === false) throw error;
        this.#bound = false;
        this.stats.rebinds += 1;
        await this.#bind(options);
        exchange = await this.#channel.post(requestType, body, options);
      }
      return this.#check(
        requestType,
        codecs.response.decode(exchange.body),
        alsoSuccess,
      ) as unknown as SuccessOf<K>;
    });
  }

  #check<R extends { statusCode: number; errorCode?: number }>(
    requestType: string,
    response: R,
    alsoSuccess: readonly number[] = [],
  ): Extract<R, { errorCode: number }> {
    const errorCode = (response as { errorCode?: number }).errorCode;
    if (response.statusCode !== 0 || errorCode === undefined) {
      throw new MapiHttpError(requestType, { statusCode: response.statusCode });
    }
    if (errorCode !== NspiErrorCode.Success && !alsoSuccess.includes(errorCode)) {
      throw new MapiHttpError(requestType, { statusCode: 0, errorCode });
    }
    return response as Extract<R, { errorCode: number }>;
  }
}

type SuccessOf<K extends AddressBookRequestType> = Extract<
  ReturnType<(typeof NspiBodies)[K]["response"]["decode"]>,
  NspiSuccessResponse<never> | { errorCode: number }
>;

function entries(block: ColumnsAndRows | undefined): AddressBookEntry[] {
  return block ? block.rows.map((row) => entryFromRow(block.columns, row)) : [];
}

function sameStat(a: Stat, b: Stat): boolean {
  return a.currentRec === b.currentRec && a.delta === b.delta && a.numPos === b.numPos;
}

function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    throw new InvalidArgumentError("pageSize must be an integer from 1 to 10000");
  }
  return size;
}
