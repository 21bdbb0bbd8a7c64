import { ErrorCode } from "@mailwire/core";
import { describeWithDovecot, useDovecot } from "@mailwire/dovecot-harness/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { connectImap, type ImapConnectOptions, type ImapSession } from "../src/index.js";
import { dovecotImapsOptions } from "./support/dovecot-options.js";

describeWithDovecot("@mailwire/imap calls under an AbortSignal, against Dovecot", () => {
  const dovecot = useDovecot({ fixture: { messageCount: 50, largeMessageBytes: 0 } });
  const sessions: ImapSession[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => {
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
  });
  beforeEach(() => {
    unhandled.length = 0;
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  });

  const options = (): ImapConnectOptions => dovecotImapsOptions(dovecot());

  async function open(): Promise<ImapSession> {
    const session = await connectImap(options());
    sessions.push(session);
    return session;
  }

  /** Gives a late rejection time to surface (imapflow rejects the abandoned command on close). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it("an already-aborted signal rejects with MW_ABORTED, sends nothing and keeps the session", async () => {
    const session = await open();
    // imapflow sends every command through its (internal) write().
    const client = session.client as unknown as { write(chunk: unknown): unknown };
    const sent: string[] = [];
    const write = client.write.bind(client);
    client.write = (chunk) => {
      sent.push(String(chunk));
      return write(chunk);
    };
    const reason = new Error("caller gave up");
    const signal = AbortSignal.abort(reason);

    await expect(session.search("INBOX", { all: true }, { signal })).rejects.toMatchObject({
      name: "AbortError",
      code: ErrorCode.ABORTED,
      cause: reason,
    });
    await expect(session.listFolders({ signal })).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    await settle();
    expect(sent).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(session.closed).toBe(false);
    // The same session still answers.
    const uids = await session.search("INBOX", { all: true });
    expect(uids.length).toBeGreaterThan(0);
  });

  it("a signal that fires mid-call rejects with MW_ABORTED, closes the session, leaves nothing unhandled", async () => {
    const session = await open();
    const controller = new AbortController();
    // The command is issued before the abort; Dovecot's reply cannot have arrived yet.
    const call = session.listFolders({ signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "AbortError", code: ErrorCode.ABORTED });
    await settle();
    expect(unhandled).toEqual([]);
    expect(session.client.usable).toBe(false);
  });

  it("a timeout mid-call rejects with MW_TIMEOUT and leaves nothing unhandled", async () => {
    const session = await open();
    const pages = session.messages("INBOX", { pageSize: 5, timeoutMs: 1 });
    await expect(pages.next()).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
    await settle();
    expect(unhandled).toEqual([]);
  });
});
