import { AuthError, ConnectionError, LimitExceededError } from "@mailwire/core";
import { type ExchangeSim, startSim } from "@mailwire/exchange-sim";
import { type FolderInfo, MapiSession, SessionResetError } from "@mailwire/mapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRpcSession,
  EmsmdbError,
  EmsmdbRpcTransport,
  RpcBindError,
  RpcFaultError,
  tcpTransportFactory,
} from "../src/index.js";
import { simCredentials, simUserDn } from "./sim-user.js";

// End to end: MapiSession over EMSMDB over DCE/RPC over ncacn_ip_tcp against exchange-sim's RPC
// server (NTLMv2 at packet privacy, checked by the sim's own NTLM and sealing code), on the
// shared fixture store: the scenario of mapi-http's mailbox.sim.test.ts.

let sim: ExchangeSim;

function transport(
  options: { authLevel?: "integrity" | "privacy"; allowCompressedResponses?: boolean } = {},
): EmsmdbRpcTransport {
  return new EmsmdbRpcTransport({
    connectTransport: tcpTransportFactory({
      host: "127.0.0.1",
      endpointMapperPort: sim.rpc.endpointMapperPort,
    }),
    credentials: simCredentials(sim),
    userDn: simUserDn(sim),
    ...options,
  });
}

function folderPaths(folders: readonly FolderInfo[], root: bigint): string[] {
  const byId = new Map(folders.map((f) => [f.folderId, f]));
  const path = (f: FolderInfo): string[] => {
    const parent = byId.get(f.parentFolderId);
    return f.parentFolderId === root || !parent ? [f.displayName] : [...path(parent), f.displayName];
  };
  return folders.map((f) => path(f).join("/")).sort();
}

beforeAll(async () => {
  sim = await startSim();
});

afterAll(async () => {
  await sim?.close();
});

describe("MapiSession over EMSMDB/ncacn_ip_tcp against exchange-sim", () => {
  it("createRpcSession: endpoint mapper lookup, NTLM bind at privacy, EcDoConnectEx, logon", async () => {
    const before = sim.stats.ntlmHandshakes;
    const { session, transport: t } = await createRpcSession({
      host: "127.0.0.1",
      endpointMapperPort: sim.rpc.endpointMapperPort,
      credentials: simCredentials(sim),
      userDn: simUserDn(sim),
    });
    expect(session.connectInfo?.displayName).toBe(sim.credentials.username);
    expect(session.connectInfo?.dnPrefix).toBe(
      "/o=mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)",
    );
    expect(t.serverVersion).toEqual([0x0f02, 0x8608, 4]);
    expect(sim.stats.ntlmHandshakes).toBe(before + 1);
    expect(sim.rpc.stats.lastAuthLevel).toBe(6);
    expect(sim.rpc.sessionCount).toBeGreaterThanOrEqual(1);
    const sessions = sim.rpc.sessionCount;
    await session.close();
    expect(t.connected).toBe(false);
    expect(sim.rpc.sessionCount).toBe(sessions - 1);
  });

  it("lists the folder tree equal to the fixture's folders, with counts", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: simUserDn(sim) });
    const folders = await session.listFolders();
    expect(folderPaths(folders, session.mailbox.folders.ipmSubtree)).toEqual(
      sim.store
        .folders()
        .map((f) => f.path.join("/"))
        .sort(),
    );
    const inbox = folders.find((f) => f.folderId === session.mailbox.folders.inbox);
    const storeInbox = sim.store.specialFolder("inbox");
    expect(inbox?.displayName).toBe("Inbox");
    expect(inbox?.contentCount).toBe(sim.store.messages(storeInbox.id).length);
    await session.close();
  });

  it("pages the Inbox: 100 messages in one EcDoRpcExt2 after logon (fragmented responses), then all 127", async () => {
    // Uncompressed, 100 rows do not fit one 5840-byte fragment.
    const t = transport({ allowCompressedResponses: false });
    const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
    const before = t.stats.executes;
    const fragmentsBefore = sim.rpc.stats.responseFragments;
    const subjects: string[] = [];
    for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 })) {
      subjects.push(message.subject);
      if (subjects.length === 100) expect(t.stats.executes - before).toBe(1);
    }
    const expected = sim.store.messages(sim.store.specialFolder("inbox").id).map((m) => m.fixture.subject);
    expect(expected).toHaveLength(127);
    expect(subjects).toEqual(expected);
    expect(t.stats.executes - before).toBe(2);
    expect(sim.rpc.stats.responseFragments - fragmentsBefore).toBeGreaterThan(2);
    await session.close();
  });

  it("works at packet integrity when the server allows it; refused with ecNotEncrypted when it requires privacy", async () => {
    await expect(
      MapiSession.open({ transport: transport({ authLevel: "integrity" }), mailboxDn: simUserDn(sim) }),
    ).rejects.toThrow(EmsmdbError);
    sim.rpc.requirePrivacy = false;
    try {
      const session = await MapiSession.open({
        transport: transport({ authLevel: "integrity" }),
        mailboxDn: simUserDn(sim),
      });
      expect(sim.rpc.stats.lastAuthLevel).toBe(5);
      expect((await session.listFolders()).length).toBeGreaterThan(3);
      await session.close();
    } finally {
      sim.rpc.requirePrivacy = true;
    }
  });

  it("wrong password: the sim's NTLM check fails and the first call is an AuthError", async () => {
    const t = new EmsmdbRpcTransport({
      connectTransport: tcpTransportFactory({ host: "127.0.0.1", port: sim.rpc.port }),
      credentials: { ...simCredentials(sim), password: "wrong" },
      userDn: simUserDn(sim),
    });
    await expect(t.connect()).rejects.toBeInstanceOf(AuthError);
    expect(sim.stats.lastNtlmFailure).toBe("bad-response");
    await t.close();
  });

  it("waitForNotifications: EcDoAsyncConnectEx then EcDoAsyncWaitEx on an AsyncEMSMDB connection", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
    // The sim holds each wait (a long poll) before answering that nothing is pending.
    sim.rpc.asyncWaitMs = 200;
    const started = Date.now();
    expect(await t.waitForNotifications()).toBe(false);
    expect(await t.waitForNotifications()).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(sim.rpc.emsmdb.asyncWaits).toBeGreaterThanOrEqual(2);
    await session.close();
  });
});

describe("faults over ncacn_ip_tcp: typed errors or recovery, never a hang", () => {
  it("a fault PDU in the middle of a session is RpcFaultError; the session goes on", async () => {
    const session = await MapiSession.open({ transport: transport(), mailboxDn: simUserDn(sim) });
    sim.rpc.inject({ kind: "fault", status: 0x1c010014 });
    const error = await session.listFolders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcFaultError);
    expect((error as RpcFaultError).statusName).toBe("nca_s_server_too_busy");
    expect((await session.listFolders()).length).toBeGreaterThan(3);
    await session.close();
  });

  it("an expired session context: SessionResetError after reconnecting, the batch not resent", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
    const executes = sim.rpc.emsmdb.executes;
    sim.rpc.expireSessions();
    const error = await session.listFolders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionResetError);
    expect((error as SessionResetError).reconnected).toBe(true);
    expect(sim.rpc.emsmdb.executes).toBe(executes);
    expect(t.stats.reconnects).toBe(1);
    await t.close();
  });

  it("the connection closed mid-call is a ConnectionError", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
    sim.rpc.inject({ kind: "drop" });
    await expect(session.listFolders()).rejects.toBeInstanceOf(ConnectionError);
    await t.close();
  });

  it("a response fragment past the negotiated max_recv_frag is a LimitExceededError", async () => {
    const t = transport();
    const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
    sim.rpc.inject({ kind: "oversized" });
    await expect(session.listFolders()).rejects.toBeInstanceOf(LimitExceededError);
    await t.close();
  });

  it("bind_nak is an RpcBindError", async () => {
    sim.rpc.inject({ kind: "bind-nak", reason: 4 });
    const error = await transport()
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcBindError);
    expect((error as RpcBindError).reasonName).toBe("protocol_version_not_supported");
  });

  it("small fragments both ways: 1432-byte PDUs, a 3 KB ROP request and paged responses reassembled", async () => {
    sim.rpc.maxFragLength = 1432;
    try {
      const t = new EmsmdbRpcTransport({
        connectTransport: tcpTransportFactory({ host: "127.0.0.1", port: sim.rpc.port, maxFragLength: 1432 }),
        credentials: simCredentials(sim),
        userDn: simUserDn(sim),
        maxFragLength: 1432,
        allowCompressedResponses: false,
      });
      const session = await MapiSession.open({ transport: t, mailboxDn: simUserDn(sim) });
      const subjects: string[] = [];
      for await (const message of session.listMessages(session.mailbox.folders.inbox, { pageSize: 100 })) {
        subjects.push(message.subject);
      }
      expect(subjects).toHaveLength(127);
      // A ROP buffer of 1000 RopRelease (MS-OXCROPS 2.2.15.3: no response) on a handle nobody holds.
      const rops = new Uint8Array(3000);
      for (let i = 0; i < 3000; i += 3) rops[i] = 0x01;
      const buffer = new Uint8Array(2 + 3000 + 4);
      new DataView(buffer.buffer).setUint16(0, 3002, true);
      buffer.set(rops, 2);
      buffer.fill(0xff, 3002);
      const fragments = sim.rpc.stats.requestFragments;
      const answer = await t.execute(buffer);
      expect(sim.rpc.stats.requestFragments - fragments).toBeGreaterThanOrEqual(3);
      expect(answer.length).toBeGreaterThanOrEqual(2);
      expect(t.connectionStats?.pdusReceived).toBeGreaterThan(20);
      await session.close();
    } finally {
      sim.rpc.maxFragLength = 5840;
    }
  });
});
