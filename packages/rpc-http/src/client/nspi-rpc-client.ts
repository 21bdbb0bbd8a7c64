import type { NtlmCredentials } from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import type { ContextHandle } from "../ndr/context-handle.js";
import { NSPI_INTERFACE, NspiConst, NspiOpnum } from "../nspi/interfaces.js";
import { NspiError } from "../nspi/nspi-error.js";
import {
  decodeNspiBindResponse,
  decodeNspiDNToMIdResponse,
  decodeNspiGetMatchesResponse,
  decodeNspiGetPropsResponse,
  decodeNspiGetSpecialTableResponse,
  decodeNspiQueryRowsResponse,
  decodeNspiResolveNamesWResponse,
  decodeNspiSeekEntriesResponse,
  decodeNspiUnbindResponse,
  encodeNspiBindRequest,
  encodeNspiDNToMIdRequest,
  encodeNspiGetMatchesRequest,
  encodeNspiGetPropsRequest,
  encodeNspiGetSpecialTableRequest,
  encodeNspiQueryRowsRequest,
  encodeNspiResolveNamesWRequest,
  encodeNspiSeekEntriesRequest,
  encodeNspiUnbindRequest,
} from "../nspi/nspi-stubs.js";
import type { NspiRow } from "../nspi/property-rows.js";
import type { NspiFilter } from "../nspi/restriction.js";
import { initialStat, type NspiStat } from "../nspi/stat.js";

/** PidTagDisplayName, Unicode (MS-OXPROPS): the sort key NspiSeekEntries seeks on. */
const PID_TAG_DISPLAY_NAME = 0x3001001f;

import type { PduTransportFactory } from "./pdu-transport-factory.js";
import { RpcConnection } from "./rpc-connection.js";

export interface NspiRpcClientOptions extends TransportCallOptions {
  /** Opens the connection (ncacn_ip_tcp, or RPC over HTTP to <server>:6004). */
  readonly connectTransport: PduTransportFactory;
  readonly credentials: NtlmCredentials;
  readonly authLevel?: "integrity" | "privacy";
  /** STAT code page and locales. Default 1252 and 1033. */
  readonly codePage?: number;
  readonly lcid?: number;
  readonly maxFragLength?: number;
}

/** MID_END_OF_TABLE (MS-OXNSPI 2.2.1.8): STAT.CurrentRec after the last row. */
const MID_END_OF_TABLE = 2;

/**
 * The address book (NSPI, MS-OXNSPI) over DCE/RPC: NspiBind on connect, then
 * NspiGetSpecialTable, NspiDNToMId, NspiGetProps, NspiQueryRows (paged by STAT),
 * NspiGetMatches and NspiResolveNamesW; NspiUnbind on close. Rows come back as NDR property values by tag.
 */
export class NspiRpcClient {
  readonly #connection: RpcConnection;
  #handle: ContextHandle | undefined;
  readonly #stat: NspiStat;
  /** The server's GUID from NspiBind. */
  readonly serverGuid: Uint8Array | undefined;

  private constructor(
    connection: RpcConnection,
    handle: ContextHandle,
    stat: NspiStat,
    serverGuid: Uint8Array | undefined,
  ) {
    this.#connection = connection;
    this.#handle = handle;
    this.#stat = stat;
    this.serverGuid = serverGuid;
  }

  static async connect(options: NspiRpcClientOptions): Promise<NspiRpcClient> {
    const call = { signal: options.signal, timeoutMs: options.timeoutMs };
    const transport = await options.connectTransport({ interface: NSPI_INTERFACE }, call);
    let connection: RpcConnection | undefined;
    try {
      connection = await RpcConnection.bind(transport, {
        interface: NSPI_INTERFACE,
        auth: { credentials: options.credentials, level: options.authLevel ?? "privacy" },
        maxFragLength: options.maxFragLength,
        ...call,
      });
      const stat = initialStat({
        codePage: options.codePage ?? NspiConst.DEFAULT_CODE_PAGE,
        templateLocale: options.lcid ?? 1033,
        sortLocale: options.lcid ?? 1033,
      });
      const response = decodeNspiBindResponse(
        await connection.call(NspiOpnum.NspiBind, encodeNspiBindRequest(stat), {
          ...call,
          operation: "NspiBind",
        }),
      );
      if (response.returnValue !== 0) throw new NspiError("NspiBind", response.returnValue);
      return new NspiRpcClient(connection, response.handle, stat, response.serverGuid);
    } catch (error) {
      await (connection ?? transport).close().catch(() => undefined);
      throw error;
    }
  }

  #live(): ContextHandle {
    if (!this.#handle) throw new NspiError("NSPI", 0x80004005);
    return this.#handle;
  }

  async #call(
    opnum: number,
    operation: string,
    stub: Uint8Array,
    options: TransportCallOptions,
  ): Promise<Uint8Array> {
    return this.#connection.call(opnum, stub, { ...options, operation });
  }

  /** The address book hierarchy (containers), NspiGetSpecialTable with Unicode strings. */
  async getSpecialTable(options: TransportCallOptions = {}): Promise<NspiRow[]> {
    const stub = encodeNspiGetSpecialTableRequest(this.#live(), this.#stat, NspiConst.NspiUnicodeStrings);
    const response = decodeNspiGetSpecialTableResponse(
      await this.#call(NspiOpnum.NspiGetSpecialTable, "NspiGetSpecialTable", stub, options),
    );
    if (response.returnValue !== 0) throw new NspiError("NspiGetSpecialTable", response.returnValue);
    return response.rows;
  }

  /** Minimal Entry IDs of DNs (0 for a DN the server does not know). */
  async dnToMid(dns: readonly string[], options: TransportCallOptions = {}): Promise<number[]> {
    const stub = encodeNspiDNToMIdRequest(this.#live(), dns);
    const response = decodeNspiDNToMIdResponse(
      await this.#call(NspiOpnum.NspiDNToMId, "NspiDNToMId", stub, options),
    );
    if (response.returnValue !== 0) throw new NspiError("NspiDNToMId", response.returnValue);
    return response.mids;
  }

  /** The properties of one object by Minimal Entry ID (all the server has when `columns` is omitted). */
  async getProps(
    mid: number,
    columns?: readonly number[],
    options: TransportCallOptions = {},
  ): Promise<NspiRow> {
    const stat = { ...this.#stat, currentRec: mid };
    const stub = encodeNspiGetPropsRequest(this.#live(), stat, columns);
    const response = decodeNspiGetPropsResponse(
      await this.#call(NspiOpnum.NspiGetProps, "NspiGetProps", stub, options),
    );
    // ErrorsReturned (some columns missing) still carries the row.
    if (response.returnValue !== 0 && response.returnValue !== 0x80040380) {
      throw new NspiError("NspiGetProps", response.returnValue);
    }
    return response.row ?? [];
  }

  /**
   * The rows of a container (the Global Address List by default), `pageSize` per
   * NspiQueryRows; from the position `from` (a STAT from `seekEntries`) when given.
   */
  async *queryRows(
    options: TransportCallOptions & {
      columns?: readonly number[];
      pageSize?: number;
      containerId?: number;
      from?: NspiStat;
    } = {},
  ): AsyncGenerator<NspiRow> {
    let stat: NspiStat = options.from ?? { ...this.#stat, containerId: options.containerId ?? 0 };
    const count = options.pageSize ?? 100;
    for (;;) {
      const stub = encodeNspiQueryRowsRequest(this.#live(), stat, {
        count,
        ...(options.columns ? { columns: options.columns } : {}),
      });
      const response = decodeNspiQueryRowsResponse(
        await this.#call(NspiOpnum.NspiQueryRows, "NspiQueryRows", stub, options),
      );
      if (response.returnValue !== 0) throw new NspiError("NspiQueryRows", response.returnValue);
      yield* response.rows;
      stat = response.stat;
      if (response.rows.length < count || stat.currentRec === MID_END_OF_TABLE || response.rows.length === 0)
        return;
    }
  }

  /**
   * NspiSeekEntries (MS-OXNSPI 3.1.4.1.9): positions the container's table (sorted by display
   * name) at the first row whose PidTagDisplayName is greater than or equal to `displayName`,
   * and returns that position as a STAT (CurrentRec, NumPos, TotalRecs) for `queryRows({ from })`.
   * A non-zero return value (e.g. nothing at or after the name) is an NspiError.
   */
  async seekEntries(
    displayName: string,
    options: TransportCallOptions & { containerId?: number } = {},
  ): Promise<NspiStat> {
    const stat = { ...this.#stat, containerId: options.containerId ?? 0, currentRec: 0, delta: 0 };
    const stub = encodeNspiSeekEntriesRequest(
      this.#live(),
      stat,
      { tag: PID_TAG_DISPLAY_NAME, value: displayName },
      undefined,
    );
    const response = decodeNspiSeekEntriesResponse(
      await this.#call(NspiOpnum.NspiSeekEntries, "NspiSeekEntries", stub, options),
    );
    if (response.returnValue !== 0) throw new NspiError("NspiSeekEntries", response.returnValue);
    return response.stat;
  }

  /**
   * NspiGetMatches: the objects of the Global Address List matching `filter` (ambiguous name
   * resolution with `{ anr }`, or a property/content restriction on a string), at most `max`.
   */
  async getMatches(
    filter: NspiFilter,
    options: TransportCallOptions & { columns?: readonly number[]; max?: number } = {},
  ): Promise<{ mids: number[]; rows: NspiRow[] }> {
    const stat = { ...this.#stat, currentRec: 0, delta: 0 };
    const stub = encodeNspiGetMatchesRequest(this.#live(), stat, filter, options.max ?? 50, options.columns);
    const response = decodeNspiGetMatchesResponse(
      await this.#call(NspiOpnum.NspiGetMatches, "NspiGetMatches", stub, options),
    );
    if (response.returnValue !== 0) throw new NspiError("NspiGetMatches", response.returnValue);
    return { mids: response.mids, rows: response.rows };
  }

  /**
   * NspiResolveNamesW: for each name a Minimal Entry ID (MID_RESOLVED rows come back in
   * `rows`, in order; 0 unresolved, 1 ambiguous).
   */
  async resolveNames(
    names: readonly string[],
    columns?: readonly number[],
    options: TransportCallOptions = {},
  ): Promise<{ mids: number[]; rows: NspiRow[] }> {
    const stub = encodeNspiResolveNamesWRequest(this.#live(), this.#stat, names, columns);
    const response = decodeNspiResolveNamesWResponse(
      await this.#call(NspiOpnum.NspiResolveNamesW, "NspiResolveNamesW", stub, options),
    );
    if (response.returnValue !== 0) throw new NspiError("NspiResolveNamesW", response.returnValue);
    return { mids: response.mids, rows: response.rows };
  }

  /** NspiUnbind, then closes the connection. */
  async close(options: TransportCallOptions = {}): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    try {
      if (handle) {
        const stub = await this.#call(
          NspiOpnum.NspiUnbind,
          "NspiUnbind",
          encodeNspiUnbindRequest(handle),
          options,
        );
        const result = decodeNspiUnbindResponse(stub);
        if (result !== NspiConst.UNBIND_SUCCESS) throw new NspiError("NspiUnbind", result);
      }
    } finally {
      await this.#connection.close().catch(() => undefined);
    }
  }
}
