import { randomBytes } from "node:crypto";
import { decodeRpcHeaderExtChain, encodeRpcHeaderExtChain } from "@mailwire/mapi";
import { MapiIds } from "../mapi/mapi-ids.js";
import { SimRopEngine } from "../mapi/rop-engine.js";
import { mapiExtrasOf } from "../mapi/store-extras.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import { NdrIn, NdrOut } from "./ndr.js";

// EMSMDB (MS-OXCRPC 3.1.4) and AsyncEMSMDB (3.3.4) on the simulator: session contexts named
// by context handles, each with its own ROP engine over the shared store and the MAPI-only
// properties the MAPI/HTTP endpoint keeps (one map per store). A session context ends with
// EcDoDisconnect, with the connection that created it (DCE/RPC context handle rundown), or
// on expiry; each end disposes its engine, which stops it watching the store.

export const EMSMDB_UUID = "a4f1db00-ca47-1067-b31f-00dd010662da";
export const ASYNC_EMSMDB_UUID = "5261574a-4572-206e-b268-6b199213b4e5";

/** MS-OXCRPC 3.1.4.1 / MS-OXCDATA 2.4 codes the service returns. */
const ecNotEncrypted = 0x970;

/** A call outcome: a response stub, or a fault status for the server to send. */
export type CallResult = { stub: Buffer } | { fault: number };

export const FAULT = {
  op_rng_error: 0x1c010002,
  context_mismatch: 0x1c00001a,
  access_denied: 0x5,
  bad_stub_data: 0x6f7,
} as const;

interface Session {
  engine: SimRopEngine;
  /** The connection EcDoConnectEx came on; closing it runs the context handle down. */
  owner: object;
}

/** pulFlagsOut of EcDoAsyncWaitEx: NotificationPending (MS-OXCRPC 3.3.4.1). */
const NOTIFICATION_PENDING = 0x1;

/** What an EcDoAsyncWaitEx call waits on, or the fault it gets. */
export type AsyncWaitCall = { fault: number } | { wait: (ms: number) => Promise<boolean> };

export interface EmsmdbServiceSettings {
  /** Refuse EcDoConnectEx below packet privacy with ecNotEncrypted, as Exchange does by default. */
  requirePrivacy: boolean;
}

export class EmsmdbService {
  readonly #store: MailboxStore;
  readonly #ids: MapiIds;
  readonly #sessions = new Map<string, Session>();
  readonly #async = new Map<string, string>();
  readonly stats = { connects: 0, executes: 0, disconnects: 0, asyncWaits: 0 };

  constructor(
    store: MailboxStore,
    readonly settings: EmsmdbServiceSettings,
  ) {
    this.#store = store;
    this.#ids = new MapiIds(store);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** ROP engines not yet disposed (each holds one store listener). */
  get liveEngines(): number {
    return this.#liveEngines;
  }

  #liveEngines = 0;

  expireSessions(): number {
    const count = this.#sessions.size;
    for (const key of [...this.#sessions.keys()]) this.#end(key);
    return count;
  }

  /** Context handle rundown: the connection closed, so its session contexts end. */
  connectionClosed(connection: object): void {
    for (const [key, session] of [...this.#sessions]) if (session.owner === connection) this.#end(key);
  }

  #end(key: string): boolean {
    const session = this.#sessions.get(key);
    if (!session) return false;
    this.#sessions.delete(key);
    session.engine.dispose();
    this.#liveEngines -= 1;
    for (const [asyncKey, sessionKey] of this.#async) if (sessionKey === key) this.#async.delete(asyncKey);
    return true;
  }

  /**
   * EMSMDB opnums. `authLevel` is the binding's RPC authentication level; `connection` names
   * the connection the call came on (any object, compared by identity).
   */
  call(opnum: number, stub: Buffer, authLevel: number, connection: object): CallResult {
    switch (opnum) {
      case 10:
        return this.#connect(stub, authLevel, connection);
      case 11:
        return this.#execute(stub);
      case 1:
        return this.#disconnect(stub);
      case 14:
        return this.#asyncConnect(stub);
      default:
        return { fault: FAULT.op_rng_error };
    }
  }

  /**
   * AsyncEMSMDB opnum 0, EcDoAsyncWaitEx (MS-OXCRPC 3.3.4.1): completes as soon as the
   * session context has a notification pending (NotificationPending in pulFlagsOut), or with
   * nothing pending once `ms` passed. The caller holds the call meanwhile; the pending events
   * themselves go out with the session's next EcDoRpcExt2 (MS-OXCNOTIF 3.2.5.4).
   */
  asyncWait(opnum: number, stub: Buffer): AsyncWaitCall {
    if (opnum !== 0) return { fault: FAULT.op_rng_error };
    const handle = new NdrIn(stub).handle();
    const key = this.#async.get(handle.toString("hex"));
    const session = key === undefined ? undefined : this.#sessions.get(key);
    if (!session) return { fault: FAULT.context_mismatch };
    this.stats.asyncWaits += 1;
    return {
      wait: (ms) =>
        ms > 0
          ? session.engine.notifications.wait(ms)
          : Promise.resolve(session.engine.notifications.hasPending),
    };
  }

  /** The EcDoAsyncWaitEx response stub: pulFlagsOut, then the return value. */
  static asyncWaitResponse(pending: boolean): Buffer {
    return new NdrOut()
      .u32(pending ? NOTIFICATION_PENDING : 0)
      .u32(0)
      .finish();
  }

  #connect(stub: Buffer, authLevel: number, connection: object): CallResult {
    const ndr = new NdrIn(stub);
    const userDn = ndr.string();
    ndr.u32(); // ulFlags
    ndr.u32(); // ulConMod
    ndr.u32(); // cbLimit
    ndr.u32(); // ulCpid
    ndr.u32(); // ulLcidString
    ndr.u32(); // ulLcidSort
    ndr.u32(); // ulIcxrLink
    ndr.u16(); // usFCanConvertCodePages
    const clientVersion = [ndr.u16(), ndr.u16(), ndr.u16()];
    const timeStamp = ndr.u32();
    const auxIn = ndr.conformant();
    if (ndr.u32() !== auxIn.length) return { fault: FAULT.bad_stub_data };
    ndr.u32(); // pcbAuxOut
    const refused = this.settings.requirePrivacy && authLevel < 6;
    const handle = refused ? Buffer.alloc(20) : Buffer.concat([Buffer.alloc(4), randomBytes(16)]);
    if (!refused) {
      const engine = new SimRopEngine(this.#store, this.#ids, mapiExtrasOf(this.#store));
      this.#liveEngines += 1;
      this.#sessions.set(handle.toString("hex"), { engine, owner: connection });
      this.stats.connects += 1;
    }
    const dnPrefix = userDn.split("/cn=Recipients")[0] ?? "";
    const out = new NdrOut()
      .handle(handle)
      .u32(60_000) // pcmsPollsMax
      .u32(6) // pcRetry
      .u32(10_000) // pcmsRetryDelay
      .u16(1) // picxr
      .stringPointer(dnPrefix)
      .stringPointer(this.#store.user.username);
    // Server 15.2.1544.4 in the high-bit form of the version WORDs (MS-OXCRPC 3.1.9).
    for (const word of [0x0f02, 0x8608, 4]) out.u16(word);
    for (const word of clientVersion) out.u16(word ?? 0);
    out.u32(timeStamp).varying(Buffer.alloc(0)).u32(0);
    out.u32(refused ? ecNotEncrypted : 0);
    return { stub: out.finish() };
  }

  #execute(stub: Buffer): CallResult {
    const ndr = new NdrIn(stub);
    const handle = ndr.handle();
    const flags = ndr.u32();
    const rgbIn = ndr.conformant();
    if (ndr.u32() !== rgbIn.length) return { fault: FAULT.bad_stub_data };
    const maxOut = ndr.u32();
    const session = this.#sessions.get(handle.toString("hex"));
    if (!session) return { fault: FAULT.context_mismatch };
    let payload: Uint8Array | undefined;
    try {
      const { payloads } = decodeRpcHeaderExtChain(rgbIn);
      payload = payloads.length === 1 ? payloads[0] : undefined;
    } catch {
      payload = undefined;
    }
    if (!payload) return { fault: FAULT.bad_stub_data };
    this.stats.executes += 1;
    const answer = session.engine.execute(payload);
    // pulFlags NoCompression 0x1 / NoXorMagic 0x2 (3.1.4.2) say what the response may use.
    const rgbOut = encodeRpcHeaderExtChain([answer], {
      compress: (flags & 1) === 0,
      obfuscate: (flags & 2) === 0,
    });
    const tooBig = rgbOut.length > maxOut;
    return {
      stub: new NdrOut()
        .handle(handle)
        .u32(0)
        .varying(tooBig ? Buffer.alloc(0) : rgbOut)
        .u32(tooBig ? 0 : rgbOut.length)
        .varying(Buffer.alloc(0))
        .u32(0)
        .u32(0) // pulTransTime
        .u32(tooBig ? 0x80040305 : 0) // ecBufferTooSmall
        .finish(),
    };
  }

  #disconnect(stub: Buffer): CallResult {
    const handle = new NdrIn(stub).handle();
    if (!this.#end(handle.toString("hex"))) return { fault: FAULT.context_mismatch };
    this.stats.disconnects += 1;
    return { stub: new NdrOut().handle(Buffer.alloc(20)).u32(0).finish() };
  }

  #asyncConnect(stub: Buffer): CallResult {
    const handle = new NdrIn(stub).handle();
    const key = handle.toString("hex");
    if (!this.#sessions.has(key)) return { fault: FAULT.context_mismatch };
    const asyncHandle = Buffer.concat([Buffer.alloc(4), randomBytes(16)]);
    this.#async.set(asyncHandle.toString("hex"), key);
    return { stub: new NdrOut().handle(asyncHandle).u32(0).finish() };
  }
}
