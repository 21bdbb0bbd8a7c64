import { ServerBusyError } from "@mailwire/core";
import { describe, expect, it } from "vitest";
import { MapiSession, RopId } from "../src/index.js";
import { fakeMailbox, INBOX } from "./fake/fake-mailbox.js";
import { FakeTransport } from "./fake/fake-transport.js";
import { FakeRopEngine } from "./fake/rop-engine.js";

async function setup() {
  const engine = new FakeRopEngine(fakeMailbox(30));
  const transport = new FakeTransport(engine);
  const session = await MapiSession.open({ transport, mailboxDn: "/o=Fake/cn=Recipients/cn=fake" });
  return { engine, transport, session };
}

describe("RopBufferTooSmall (MS-OXCROPS 2.2.15.1)", () => {
  it("sends only the unprocessed ROPs again, with the handle table the server left, and completes the batch", async () => {
    const { session, engine, transport } = await setup();
    engine.processOnly = 2; // OpenFolder and GetContentsTable run; SetColumns and QueryRows come back
    const before = transport.executes;
    const subjects: string[] = [];
    // sortOrders: [] keeps the server's order and sends no RopSortTable.
    for await (const m of session.listMessages(INBOX, { pageSize: 10, sortOrders: [] })) {
      subjects.push(m.subject);
      if (subjects.length === 10) break;
    }
    expect(subjects).toEqual(Array.from({ length: 10 }, (_, i) => `Message ${i}`));
    expect(transport.executes - before).toBe(2);
    const [first, second] = engine.requests.slice(-2);
    expect(first?.map((r) => r.rop)).toEqual([
      "RopOpenFolder",
      "RopGetContentsTable",
      "RopSetColumns",
      "RopQueryRows",
    ]);
    // The retry carries only the two ROPs that never ran: nothing is replayed.
    expect(second?.map((r) => r.rop)).toEqual(["RopSetColumns", "RopQueryRows"]);
    const folders = engine.mailbox.messages.length;
    expect(folders).toBe(30);
  });

  it("a server that processes nothing fails instead of looping", async () => {
    const { session, engine, transport } = await setup();
    engine.processOnly = 0;
    const before = transport.executes;
    await expect(session.setReadFlags(INBOX, [0x100000n], true)).rejects.toThrow(
      /too small for RopOpenFolder/,
    );
    expect(transport.executes - before).toBe(1);
  });
});

describe("RopBackoff (MS-OXCROPS 2.2.15.2)", () => {
  it("unanswered ROPs: ServerBusyError with retryAfterMs; later batches fail at once until the time is up", async () => {
    const { session, engine, transport } = await setup();
    engine.backoffNext = {
      after: 0,
      duration: 200,
      backoffRops: [{ ropIdBackoff: RopId.RopOpenFolder, duration: 300 }],
    };
    const error = await session.setReadFlags(INBOX, [0x100000n], true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerBusyError);
    expect(error).toMatchObject({ code: "MW_SERVER_BUSY", retryable: true });
    const wait = (error as ServerBusyError).retryAfterMs ?? 0;
    expect(wait).toBeGreaterThan(200); // RopOpenFolder's own 300 ms applies to it
    expect(wait).toBeLessThanOrEqual(300);
    const executes = transport.executes;
    // Within the pause nothing is sent.
    await expect(session.listFolders()).rejects.toBeInstanceOf(ServerBusyError);
    expect(transport.executes).toBe(executes);
    await new Promise((resolve) => setTimeout(resolve, wait + 20));
    await expect(session.listFolders()).resolves.toHaveLength(4);
  });

  it("a RopBackoff after every ROP was answered lets the batch succeed and holds back the next", async () => {
    const { session, engine } = await setup();
    engine.backoffNext = { after: 10, duration: 150 };
    await expect(session.setReadFlags(INBOX, [0x100000n], true)).resolves.toEqual({
      partialCompletion: false,
    });
    const busy = await session.listFolders().catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ServerBusyError);
    expect((busy as ServerBusyError).retryAfterMs).toBeLessThanOrEqual(150);
  });
});
