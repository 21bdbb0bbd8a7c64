import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { namesAccount, type SimCredentials } from "../auth/credentials.js";
import type { NtlmSettings } from "../auth/ntlm-handshake.js";
import { buildChallenge, type ChallengeIdentity } from "../ntlm/build-challenge.js";
import { decodeNegotiate } from "../ntlm/messages.js";
import { verifyAuthenticate } from "../ntlm/verify-authenticate.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import {
  alignTo4,
  bindAckBody,
  buildPdu,
  NDR20,
  PduSplitter,
  PFC_DID_NOT_EXECUTE,
  PFC_FIRST_FRAG,
  PFC_LAST_FRAG,
  PFC_OBJECT_UUID,
  PTYPE,
  parseBindBody,
  parsePdu,
  type RawPdu,
} from "./co-pdu.js";
import {
  ASYNC_EMSMDB_UUID,
  type AsyncWaitCall,
  type CallResult,
  EMSMDB_UUID,
  EmsmdbService,
  FAULT,
} from "./emsmdb-service.js";
import { EPMAPPER_UUID, eptMap } from "./ept-service.js";
import { NSPI_UUID, NspiService } from "./nspi-service.js";
import { ServerNtlmSession } from "./ntlm-session.js";

// The simulator's DCE/RPC server over TCP (ncacn_ip_tcp, C706 chapter 12 and MS-RPCE): bind
// with NTLM (bind → bind_ack carrying the CHALLENGE → rpc_auth_3, MS-RPCE 3.3.1.5.2), verified
// by the simulator's own NTLM code; requests reassembled, unsealed and dispatched to EMSMDB,
// AsyncEMSMDB or the endpoint mapper; responses fragmented to the client's max_recv_frag and
// sealed (packet privacy) or signed (integrity). One listener serves the RPC endpoint, a
// second the endpoint mapper (port 135 on a real server).

const RPC_C_AUTHN_WINNT = 10;
const AUTH_LEVEL_INTEGRITY = 5;
const AUTH_LEVEL_PRIVACY = 6;
const SIGNATURE_LENGTH = 16;

/** What a test can make the next call do (each fault is used once). */
export type RpcFault =
  | { kind: "fault"; status: number }
  /** Close the connection when the next request arrives (mid-call). */
  | { kind: "drop" }
  /** Answer the next request with a header claiming a frag_length past what the client allows. */
  | { kind: "oversized" }
  /** Answer the next bind with bind_nak and this reason (C706 p_reject_reason_t). */
  | { kind: "bind-nak"; reason: number };

export interface RpcSimStats {
  connections: number;
  binds: number;
  auth3s: number;
  authFailures: number;
  requests: number;
  requestFragments: number;
  responseFragments: number;
  faults: number;
  bytesIn: number;
  bytesOut: number;
  /** The auth level of the last successful NTLM binding. */
  lastAuthLevel: number | undefined;
  protocolErrors: string[];
}

/** Test controls of the simulator's RPC server (`sim.rpc`). */
export interface RpcSimControl {
  /** The EMSMDB, AsyncEMSMDB and NSPI TCP port (what the RPC proxy relays `<server>:6001` and `:6004` to). */
  readonly port: number;
  /** The endpoint mapper's port (135 on a real server). */
  readonly endpointMapperPort: number;
  readonly stats: RpcSimStats;
  readonly emsmdb: { connects: number; executes: number; disconnects: number; asyncWaits: number };
  /** NSPI (the address book) on the same port, as Exchange serves it on 6004 behind a proxy. */
  readonly nspi: { binds: number; queryRows: number; resolveNames: number };
  /** Queue a fault for the next bind or request. */
  inject(fault: RpcFault): void;
  /** Forget every session context (EcDoRpcExt2 then faults with nca_s_fault_context_mismatch). */
  expireSessions(): number;
  readonly sessionCount: number;
  /** ROP engines of live session contexts (each watches the store); 0 once all are ended. */
  readonly liveEngines: number;
  /** Largest fragment the server sends (default 5840, capped by the client's max_recv_frag). */
  maxFragLength: number;
  /**
   * How long EcDoAsyncWaitEx is held without a pending notification before answering
   * "nothing pending" (default 1000 ms); a new-mail event for the session completes it at once.
   */
  asyncWaitMs: number;
  /** Refuse EcDoConnectEx below packet privacy (ecNotEncrypted). Default true. */
  requirePrivacy: boolean;
}

export interface RpcServerOptions {
  host: string;
  port?: number;
  endpointMapperPort?: number;
  store: MailboxStore;
  credentials: SimCredentials;
  identity: ChallengeIdentity;
  ntlm: () => NtlmSettings;
  now: () => number;
  /** Counters shared with HTTP authentication (ntlmChallenges, ntlmHandshakes, ntlmFailures). */
  authStats: {
    ntlmChallenges: number;
    ntlmHandshakes: number;
    ntlmFailures: number;
    lastNtlmFailure: string | undefined;
  };
}

interface Binding {
  contexts: Map<number, string>;
  maxXmitFrag: number;
  pendingNtlm?:
    | { negotiate: Buffer; challenge: Uint8Array; serverChallenge: Uint8Array; level: number }
    | undefined;
  security?: { session: ServerNtlmSession; level: number; contextId: number };
  authFailed: boolean;
  fragments: Map<number, { opnum: number; contextId: number; parts: Buffer[] }>;
}

export interface RpcServer {
  control: RpcSimControl;
  close(): Promise<void>;
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const stats: RpcSimStats = {
    connections: 0,
    binds: 0,
    auth3s: 0,
    authFailures: 0,
    requests: 0,
    requestFragments: 0,
    responseFragments: 0,
    faults: 0,
    bytesIn: 0,
    bytesOut: 0,
    lastAuthLevel: undefined,
    protocolErrors: [],
  };
  const settings = { requirePrivacy: true };
  const emsmdb = new EmsmdbService(options.store, settings);
  const nspi = new NspiService(options.store);
  const faults: RpcFault[] = [];
  let maxFragLength = 5840;
  let asyncWaitMs = 1000;
  const sockets = new Set<Socket>();
  const registered = new Map<string, number>();
  let assocGroup = 0x1000;

  const onSocket = (socket: Socket) => {
    stats.connections += 1;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      emsmdb.connectionClosed(socket);
    });
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    const splitter = new PduSplitter();
    const binding: Binding = {
      contexts: new Map(),
      maxXmitFrag: 5840,
      authFailed: false,
      fragments: new Map(),
    };
    const send = (pdu: Buffer) => {
      stats.bytesOut += pdu.length;
      socket.write(pdu);
    };
    socket.on("data", (chunk: Buffer) => {
      stats.bytesIn += chunk.length;
      try {
        for (const raw of splitter.push(chunk)) handlePdu(parsePdu(raw), binding, send, socket);
      } catch (error) {
        stats.protocolErrors.push((error as Error).message);
        socket.destroy();
      }
    });
  };

  const handlePdu = (pdu: RawPdu, binding: Binding, send: (pdu: Buffer) => void, socket: Socket) => {
    switch (pdu.type) {
      case PTYPE.bind:
      case PTYPE.alter_context:
        return handleBind(pdu, binding, send);
      case PTYPE.auth3:
        return handleAuth3(pdu, binding);
      case PTYPE.request:
        return handleRequest(pdu, binding, send, socket);
      default:
        stats.protocolErrors.push(`unexpected packet type ${pdu.type}`);
        socket.destroy();
    }
  };

  const handleBind = (pdu: RawPdu, binding: Binding, send: (pdu: Buffer) => void) => {
    stats.binds += 1;
    const isBind = pdu.type === PTYPE.bind;
    const nak = isBind && faults[0]?.kind === "bind-nak" ? (faults.shift() as { reason: number }) : undefined;
    if (nak) {
      send(
        buildPdu(
          PTYPE.bind_nak,
          PFC_FIRST_FRAG | PFC_LAST_FRAG,
          pdu.callId,
          Buffer.from([nak.reason, 0, 1, 5, 0]),
        ),
      );
      return;
    }
    const body = parseBindBody(pdu.body);
    // C706 12.6.3.4: we send fragments no larger than the client's max_recv_frag.
    binding.maxXmitFrag = Math.min(body.maxRecvFrag, maxFragLength);
    const results = body.contexts.map((context) => {
      const known = [EMSMDB_UUID, ASYNC_EMSMDB_UUID, NSPI_UUID, EPMAPPER_UUID].includes(
        context.abstract.uuid,
      );
      const ndr = context.transfer.some((t) => t.uuid === NDR20.uuid && t.major === 2);
      if (known && ndr) binding.contexts.set(context.contextId, context.abstract.uuid);
      return known ? (ndr ? { result: 0, reason: 0 } : { result: 2, reason: 2 }) : { result: 2, reason: 1 };
    });
    let auth: Parameters<typeof buildPdu>[4];
    let ackBody = bindAckBody(
      binding.maxXmitFrag,
      body.assocGroupId || assocGroup++,
      isBind ? String(registered.get(EMSMDB_UUID) ?? "") : "",
      results,
    );
    if (pdu.auth && pdu.auth.authType === RPC_C_AUTHN_WINNT) {
      let flags: number;
      try {
        flags = decodeNegotiate(pdu.auth.value).flags;
      } catch {
        send(
          buildPdu(PTYPE.bind_nak, PFC_FIRST_FRAG | PFC_LAST_FRAG, pdu.callId, Buffer.from([9, 0, 1, 5, 0])),
        );
        return;
      }
      const ntlm = options.ntlm();
      const challenge = buildChallenge(flags, options.identity, {
        timestamp: ntlm.timestamp,
        now: options.now(),
        ...(ntlm.serverChallenge === undefined ? {} : { serverChallenge: ntlm.serverChallenge }),
      });
      options.authStats.ntlmChallenges += 1;
      binding.pendingNtlm = {
        negotiate: Buffer.from(pdu.auth.value),
        challenge: challenge.bytes,
        serverChallenge: challenge.serverChallenge,
        level: pdu.auth.authLevel,
      };
      const aligned = alignTo4(ackBody);
      ackBody = aligned.body;
      auth = {
        authType: RPC_C_AUTHN_WINNT,
        authLevel: pdu.auth.authLevel,
        padLength: aligned.pad,
        contextId: pdu.auth.contextId,
        value: Buffer.from(challenge.bytes),
      };
    } else if (pdu.auth) {
      // Only NTLM (RPC_C_AUTHN_WINNT): MS-RPCE 2.2.2.5 authentication_type_not_recognized.
      send(
        buildPdu(PTYPE.bind_nak, PFC_FIRST_FRAG | PFC_LAST_FRAG, pdu.callId, Buffer.from([8, 0, 1, 5, 0])),
      );
      return;
    }
    send(
      buildPdu(
        isBind ? PTYPE.bind_ack : PTYPE.alter_context_resp,
        PFC_FIRST_FRAG | PFC_LAST_FRAG,
        pdu.callId,
        ackBody,
        auth,
      ),
    );
  };

  const handleAuth3 = (pdu: RawPdu, binding: Binding) => {
    stats.auth3s += 1;
    const pending = binding.pendingNtlm;
    binding.pendingNtlm = undefined;
    const fail = (reason: string) => {
      binding.authFailed = true;
      stats.authFailures += 1;
      options.authStats.ntlmFailures += 1;
      options.authStats.lastNtlmFailure = reason;
    };
    if (!pending || !pdu.auth || pdu.auth.authType !== RPC_C_AUTHN_WINNT) return fail("no-handshake");
    const ntlm = options.ntlm();
    const result = verifyAuthenticate({
      negotiate: pending.negotiate,
      challenge: pending.challenge,
      serverChallenge: pending.serverChallenge,
      authenticate: pdu.auth.value,
      account: {
        lookup: (user, domain) =>
          namesAccount(options.credentials, user, domain) ? options.credentials.password : undefined,
      },
      // ncacn_ip_tcp has no TLS channel to bind to.
      channelBindingPolicy: "off",
      requireMic: ntlm.requireMic ?? false,
      ...(ntlm.timestamp ? { maxClockSkewMs: ntlm.maxClockSkewMs } : {}),
      now: options.now(),
    });
    if (!result.ok) return fail(result.reason);
    if (pending.level !== AUTH_LEVEL_INTEGRITY && pending.level !== AUTH_LEVEL_PRIVACY)
      return fail("unsupported-level");
    options.authStats.ntlmHandshakes += 1;
    stats.lastAuthLevel = pending.level;
    binding.security = {
      session: new ServerNtlmSession(result.exportedSessionKey, result.flags),
      level: pending.level,
      contextId: pdu.auth.contextId,
    };
  };

  const handleRequest = (pdu: RawPdu, binding: Binding, send: (pdu: Buffer) => void, socket: Socket) => {
    stats.requestFragments += 1;
    const headerLength = pdu.flags & PFC_OBJECT_UUID ? 24 : 8;
    if (pdu.body.length < headerLength) throw new Error("short request");
    const contextId = pdu.body.readUInt16LE(4);
    const opnum = pdu.body.readUInt16LE(6);
    let stub = pdu.body.subarray(headerLength);
    const security = binding.security;
    if (security) {
      const auth = pdu.auth;
      if (!auth || auth.authLevel !== security.level || auth.value.length !== SIGNATURE_LENGTH) {
        return sendFault(pdu.callId, contextId, FAULT.access_denied, binding, send);
      }
      const stubStart = 16 + headerLength;
      const plain = security.session.open(
        Buffer.from(pdu.raw.subarray(stubStart, auth.offset)),
        security.level === AUTH_LEVEL_PRIVACY,
        (clear) =>
          Buffer.concat([
            pdu.raw.subarray(0, stubStart),
            clear,
            pdu.raw.subarray(auth.offset, auth.offset + 8),
          ]),
        Buffer.from(auth.value),
      );
      if (!plain) {
        stats.protocolErrors.push("bad request signature");
        return socket.destroy();
      }
      stub = plain.subarray(0, plain.length - auth.padLength);
    }
    // Reassemble a fragmented request (C706 12.6.3.1 PFC_FIRST_FRAG .. PFC_LAST_FRAG).
    let call = binding.fragments.get(pdu.callId);
    if (pdu.flags & PFC_FIRST_FRAG) {
      call = { opnum, contextId, parts: [] };
      binding.fragments.set(pdu.callId, call);
    }
    if (!call) throw new Error("fragment without a first fragment");
    call.parts.push(Buffer.from(stub));
    if (!(pdu.flags & PFC_LAST_FRAG)) return;
    binding.fragments.delete(pdu.callId);
    stats.requests += 1;
    const fault = faults.find((f) => f.kind !== "bind-nak");
    if (fault) faults.splice(faults.indexOf(fault), 1);
    if (fault?.kind === "drop") return socket.destroy();
    if (fault?.kind === "oversized") {
      // A whole PDU of 65520 bytes, far past the max_recv_frag the client proposed.
      send(buildPdu(PTYPE.response, PFC_FIRST_FRAG | PFC_LAST_FRAG, pdu.callId, Buffer.alloc(0xfff0 - 16)));
      return;
    }
    if (fault?.kind === "fault") return sendFault(pdu.callId, call.contextId, fault.status, binding, send);
    const iface = binding.contexts.get(call.contextId);
    if (!iface) return sendFault(pdu.callId, call.contextId, 0x1c00001c, binding, send); // nca_s_invalid_pres_context_id
    const whole = Buffer.concat(call.parts);
    if (iface === ASYNC_EMSMDB_UUID && security && !binding.authFailed) {
      return asyncWait(pdu.callId, call.contextId, call.opnum, whole, binding, send, socket);
    }
    let result: CallResult;
    try {
      if (iface === EPMAPPER_UUID)
        result = call.opnum === 3 ? eptMap(whole, registered) : { fault: FAULT.op_rng_error };
      else if (!security || binding.authFailed) result = { fault: FAULT.access_denied };
      else if (iface === EMSMDB_UUID) result = emsmdb.call(call.opnum, whole, security.level, socket);
      else result = nspi.call(call.opnum, whole);
    } catch (error) {
      stats.protocolErrors.push((error as Error).message);
      result = { fault: FAULT.bad_stub_data };
    }
    if ("fault" in result) return sendFault(pdu.callId, call.contextId, result.fault, binding, send);
    sendResponse(pdu.callId, call.contextId, result.stub, binding, send);
  };

  /**
   * EcDoAsyncWaitEx is a long poll (MS-OXCRPC 3.3.4.1): held until the session context has a
   * notification pending, or answered "nothing pending" after `asyncWaitMs` so that a
   * client's wait loop does not spin.
   */
  const asyncWait = (
    callId: number,
    contextId: number,
    opnum: number,
    stub: Buffer,
    binding: Binding,
    send: (pdu: Buffer) => void,
    socket: Socket,
  ) => {
    let call: AsyncWaitCall;
    try {
      call = emsmdb.asyncWait(opnum, stub);
    } catch (error) {
      stats.protocolErrors.push((error as Error).message);
      call = { fault: FAULT.bad_stub_data };
    }
    if ("fault" in call) return sendFault(callId, contextId, call.fault, binding, send);
    void call.wait(asyncWaitMs).then((pending) => {
      if (!socket.destroyed)
        sendResponse(callId, contextId, EmsmdbService.asyncWaitResponse(pending), binding, send);
    });
  };

  /** Response fragments, each at most the negotiated size, sealed or signed per the binding. */
  const sendResponse = (
    callId: number,
    contextId: number,
    stub: Buffer,
    binding: Binding,
    send: (pdu: Buffer) => void,
  ) => {
    const security = binding.security;
    const room = binding.maxXmitFrag - 24 - (security ? 8 + SIGNATURE_LENGTH : 0);
    const chunk = security ? room - (room % 16) : room;
    let at = 0;
    do {
      const part = stub.subarray(at, at + chunk);
      const flags = (at === 0 ? PFC_FIRST_FRAG : 0) | (at + part.length >= stub.length ? PFC_LAST_FRAG : 0);
      const head = Buffer.alloc(8);
      head.writeUInt32LE(stub.length - at, 0);
      head.writeUInt16LE(contextId, 4);
      send(protect(PTYPE.response, flags, callId, head, part, security));
      stats.responseFragments += 1;
      at += part.length;
    } while (at < stub.length);
  };

  const sendFault = (
    callId: number,
    contextId: number,
    status: number,
    binding: Binding,
    send: (pdu: Buffer) => void,
  ) => {
    stats.faults += 1;
    const head = Buffer.alloc(16);
    head.writeUInt16LE(contextId, 4);
    head.writeUInt32LE(status >>> 0, 8);
    const flags = PFC_FIRST_FRAG | PFC_LAST_FRAG | (status === FAULT.op_rng_error ? PFC_DID_NOT_EXECUTE : 0);
    send(buildPdu(PTYPE.fault, flags, callId, head));
    void binding;
  };

  /** MS-RPCE 3.3.1.5.2.2: pad the stub to 16, seal it (privacy), sign header through sec_trailer. */
  const protect = (
    type: number,
    flags: number,
    callId: number,
    head: Buffer,
    stub: Buffer,
    security: Binding["security"],
  ): Buffer => {
    if (!security) return buildPdu(type, flags, callId, Buffer.concat([head, stub]));
    const pad = (16 - (stub.length % 16)) % 16;
    const plain = Buffer.concat([stub, Buffer.alloc(pad)]);
    const draft = buildPdu(type, flags, callId, Buffer.concat([head, plain]), {
      authType: RPC_C_AUTHN_WINNT,
      authLevel: security.level,
      padLength: pad,
      contextId: security.contextId,
      value: Buffer.alloc(SIGNATURE_LENGTH),
    });
    const stubStart = 16 + head.length;
    const signedEnd = draft.length - SIGNATURE_LENGTH;
    const { data, signature } = security.session.protect(
      plain,
      security.level === AUTH_LEVEL_PRIVACY,
      draft.subarray(0, signedEnd),
    );
    data.copy(draft, stubStart);
    signature.copy(draft, signedEnd);
    return draft;
  };

  const listen = async (port: number): Promise<Server> => {
    const server = createServer(onSocket);
    server.listen(port, options.host);
    await once(server, "listening");
    return server;
  };
  const rpcServer = await listen(options.port ?? 0);
  const eptServer = await listen(options.endpointMapperPort ?? 0);
  const port = (rpcServer.address() as AddressInfo).port;
  const endpointMapperPort = (eptServer.address() as AddressInfo).port;
  registered.set(EMSMDB_UUID, port);
  registered.set(ASYNC_EMSMDB_UUID, port);
  registered.set(NSPI_UUID, port);

  const control: RpcSimControl = {
    port,
    endpointMapperPort,
    stats,
    emsmdb: emsmdb.stats,
    nspi: nspi.stats,
    inject: (fault) => faults.push(fault),
    expireSessions: () => emsmdb.expireSessions(),
    get sessionCount() {
      return emsmdb.sessionCount;
    },
    get liveEngines() {
      return emsmdb.liveEngines;
    },
    get maxFragLength() {
      return maxFragLength;
    },
    set maxFragLength(value: number) {
      maxFragLength = value;
    },
    get asyncWaitMs() {
      return asyncWaitMs;
    },
    set asyncWaitMs(value: number) {
      asyncWaitMs = value;
    },
    get requirePrivacy() {
      return settings.requirePrivacy;
    },
    set requirePrivacy(value: boolean) {
      settings.requirePrivacy = value;
    },
  };
  return {
    control,
    close: async () => {
      const closed = [rpcServer, eptServer].map(
        (s) => new Promise<void>((resolve) => s.close(() => resolve())),
      );
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    },
  };
}
