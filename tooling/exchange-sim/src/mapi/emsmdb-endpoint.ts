import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { compressRtf, decodeRpcHeaderExtChain, encodeRpcHeaderExtChain, SessionTags } from "@mailwire/mapi";
import type { RouteContext } from "../http/router.js";
import type { MailboxStore } from "../store/mailbox-store.js";
import {
  BodyError,
  connectResponse,
  disconnectResponse,
  executeResponse,
  notificationWaitResponse,
  readConnectRequest,
  readExecuteRequest,
} from "./emsmdb-bodies.js";
import { MapiIds } from "./mapi-ids.js";
import type { MapiExtras } from "./mapi-properties.js";
import { SimRopEngine } from "./rop-engine.js";
import { mapiExtrasOf } from "./store-extras.js";

// The MAPI/HTTP mailbox endpoint (MS-OXCMAPIHTTP 3.2): session contexts named by the
// MapiContext cookie, a MapiSequence cookie checked on every request, and responses sent as
// PROCESSING, optional PENDING keep-alives, DONE, additional headers, body (2.2.7).

/** X-ResponseCode values the endpoint uses (2.2.3.3.3). */
const Code = {
  Success: 0,
  InvalidRequestType: 5,
  ContextNotFound: 10,
  InvalidRequestBody: 12,
  MissingCookie: 13,
  InvalidSequence: 15,
} as const;

const SERVER_APPLICATION = "Exchange/15.02.1544.004";

interface SessionContext {
  readonly engine: SimRopEngine;
  sequence: string;
}

/** Knobs tests turn through the control endpoint. */
export interface EmsmdbSimSettings {
  /** PENDING keep-alives sent before DONE on each Execute. */
  keepAlives: number;
  /** X-PendingPeriod, and the wait between keep-alives, in milliseconds. */
  pendingPeriodMs: number;
  /**
   * How long NotificationWait holds a request without events before answering "none".
   * Exchange holds it for minutes; the simulator's default is 1 s so that tests polling it
   * stay quick; tests of the long poll raise it through the control endpoint.
   */
  notificationWaitMs: number;
}

export class EmsmdbEndpoint {
  readonly #store: MailboxStore;
  readonly #ids: MapiIds;
  readonly #extras: MapiExtras;
  readonly #sessions = new Map<string, SessionContext>();
  readonly settings: EmsmdbSimSettings = {
    keepAlives: 0,
    pendingPeriodMs: 15_000,
    notificationWaitMs: 1_000,
  };
  readonly stats = { connects: 0, executes: 0, expired: 0 };

  constructor(store: MailboxStore) {
    this.#store = store;
    this.#ids = new MapiIds(store);
    this.#extras = mapiExtrasOf(store);
  }

  /** Forgets every session context, as a server does when they expire (3.2.5.6). */
  expireSessions(): number {
    const count = this.#sessions.size;
    for (const session of this.#sessions.values()) session.engine.dispose();
    this.#sessions.clear();
    return count;
  }

  /**
   * Test-only: stores a message whose only body is PidTagRtfCompressed (the RTF compressed
   * here, MS-OXRTFCP), as older Outlook and Exchange versions kept rich-text mail, in the
   * special folder `folder`. Returns its store id.
   */
  addRtfOnlyMessage(options: { folder?: "inbox" | "drafts" | "sent"; subject: string; rtf: string }): string {
    const folder = this.#store.specialFolder(options.folder ?? "inbox");
    const date = new Date();
    const messageId = `<rtf.${date.getTime()}@mapi.sim.mailwire.test>`;
    const raw = new Uint8Array(
      Buffer.from(
        `From: ${this.#store.user.address}\r\nTo: ${this.#store.user.address}\r\nSubject: ${options.subject}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: application/rtf\r\n\r\n${options.rtf}\r\n`,
        "latin1",
      ),
    );
    const stored = this.#store.addMessage(folder.id, {
      id: "",
      folder: folder.path,
      raw,
      subject: options.subject,
      from: { address: this.#store.user.address },
      to: [{ address: this.#store.user.address }],
      date,
      flags: { seen: false, flagged: false, answered: false },
      size: raw.length,
      messageId,
      hasAttachments: false,
      cc: [],
      references: [],
      attachments: [],
      contentType: "application/rtf",
    });
    const rtf = compressRtf(new Uint8Array(Buffer.from(options.rtf, "latin1")));
    this.#extras.set(stored.id, new Map([[SessionTags.PidTagRtfCompressed, rtf]]));
    return stored.id;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Server objects still open across sessions (handles clients did not release). */
  get openObjects(): number {
    let total = 0;
    for (const session of this.#sessions.values()) total += session.engine.openObjects;
    return total;
  }

  async handle(context: RouteContext): Promise<void> {
    const { req, res } = context;
    const requestType = String(req.headers["x-requesttype"] ?? "");
    const echo: Record<string, string> = {
      "X-RequestType": requestType,
      "X-RequestId": String(req.headers["x-requestid"] ?? ""),
      "X-ClientInfo": String(req.headers["x-clientinfo"] ?? ""),
      "X-ServerApplication": SERVER_APPLICATION,
      "X-PendingPeriod": String(this.settings.pendingPeriodMs),
      "X-ExpirationInfo": "900000",
    };
    const body = await context.body();
    if (requestType === "PING") return this.#respond(res, echo, [], Buffer.alloc(0), 0);
    if (requestType === "Connect") {
      let request: { userDn: string };
      try {
        request = readConnectRequest(body);
      } catch (error) {
        if (error instanceof BodyError) return fail(res, echo, Code.InvalidRequestBody);
        throw error;
      }
      this.stats.connects += 1;
      const contextId = randomBytes(16).toString("hex");
      const session: SessionContext = {
        engine: new SimRopEngine(this.#store, this.#ids, this.#extras),
        sequence: randomBytes(8).toString("hex"),
      };
      this.#sessions.set(contextId, session);
      const cookies = [
        `MapiContext=${contextId}; path=/mapi/emsmdb/; secure; HttpOnly`,
        `MapiSequence=${session.sequence}; path=/mapi/emsmdb/; secure; HttpOnly`,
      ];
      const dnPrefix = request.userDn.split("/cn=Recipients")[0] ?? "";
      return this.#respond(res, echo, cookies, connectResponse(this.#store.user.username, dnPrefix), 0);
    }
    const cookies = parseCookies(req.headers.cookie);
    const contextId = cookies.get("MapiContext");
    if (contextId === undefined) return fail(res, echo, Code.MissingCookie);
    const session = this.#sessions.get(contextId);
    if (!session) {
      this.stats.expired += 1;
      return fail(res, echo, Code.ContextNotFound);
    }
    // NotificationWait is a long poll beside the session's Executes: it neither checks nor
    // advances the request sequence.
    if (requestType === "NotificationWait") return this.#notificationWait(res, echo, session);
    if (cookies.get("MapiSequence") !== session.sequence) return fail(res, echo, Code.InvalidSequence);
    session.sequence = randomBytes(8).toString("hex");
    const sequenceCookie = [`MapiSequence=${session.sequence}; path=/mapi/emsmdb/; secure; HttpOnly`];
    switch (requestType) {
      case "Execute": {
        let ropBuffer: Uint8Array;
        let flags: number;
        try {
          const request = readExecuteRequest(body);
          flags = request.flags;
          const { payloads } = decodeRpcHeaderExtChain(request.ropBuffer);
          if (payloads.length !== 1 || !payloads[0]) throw new BodyError("one ROP buffer expected");
          ropBuffer = payloads[0];
        } catch (error) {
          if (error instanceof BodyError || (error as { code?: string }).code?.startsWith("MW_"))
            return fail(res, echo, Code.InvalidRequestBody);
          throw error;
        }
        this.stats.executes += 1;
        const answer = session.engine.execute(ropBuffer);
        // Compress/obfuscate only when the client's Flags allow it (NoCompression 0x1, NoXorMagic 0x2).
        const wrapped = encodeRpcHeaderExtChain([answer], {
          compress: (flags & 0x1) === 0,
          obfuscate: (flags & 0x2) === 0,
        });
        return this.#respond(res, echo, sequenceCookie, executeResponse(wrapped), this.settings.keepAlives);
      }
      case "Disconnect":
        session.engine.dispose();
        this.#sessions.delete(contextId);
        return this.#respond(res, echo, [], disconnectResponse(), 0);
      default:
        return fail(res, echo, Code.InvalidRequestType);
    }
  }

  /**
   * NotificationWait (MS-OXCMAPIHTTP 2.2.4.4): held until the session has notifications or
   * `notificationWaitMs` passed, with PENDING keep-alives every X-PendingPeriod meanwhile;
   * EventPending tells the client to fetch them with an Execute.
   */
  async #notificationWait(
    res: ServerResponse,
    echo: Record<string, string>,
    session: SessionContext,
  ): Promise<void> {
    const started = Date.now();
    res.writeHead(200, { ...echo, "Content-Type": "application/mapi-http", "X-ResponseCode": "0" });
    res.write("PROCESSING\r\n");
    let closed = false;
    res.once("close", () => {
      closed = true;
    });
    let pending = false;
    while (!closed) {
      const left = this.settings.notificationWaitMs - (Date.now() - started);
      if (left <= 0) break;
      pending = await session.engine.notifications.wait(Math.min(left, this.settings.pendingPeriodMs));
      if (pending || closed) break;
      if (Date.now() - started < this.settings.notificationWaitMs) res.write("PENDING\r\n");
    }
    if (closed) return;
    const tail = `DONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: ${Date.now() - started}\r\nX-StartTime: ${new Date(started).toUTCString()}\r\n\r\n`;
    res.end(Buffer.concat([Buffer.from(tail, "latin1"), notificationWaitResponse(pending)]));
  }

  async #respond(
    res: ServerResponse,
    echo: Record<string, string>,
    cookies: string[],
    body: Buffer,
    keepAlives: number,
  ): Promise<void> {
    const started = Date.now();
    res.writeHead(200, {
      ...echo,
      "Content-Type": "application/mapi-http",
      "X-ResponseCode": "0",
      ...(cookies.length ? { "Set-Cookie": cookies } : {}),
    });
    res.write("PROCESSING\r\n");
    for (let i = 0; i < keepAlives; i++) {
      await sleep(this.settings.pendingPeriodMs);
      res.write("PENDING\r\n");
    }
    const tail = `DONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: ${Date.now() - started}\r\nX-StartTime: ${new Date(started).toUTCString()}\r\n\r\n`;
    res.end(Buffer.concat([Buffer.from(tail, "latin1"), body]));
  }
}

/** A failure above the ROP layer: HTTP 200 with a non-zero X-ResponseCode and no body (2.2.3.3.3). */
function fail(res: ServerResponse, echo: Record<string, string>, code: number): void {
  res.writeHead(200, {
    ...echo,
    "Content-Type": "application/mapi-http",
    "X-ResponseCode": String(code),
    "Content-Length": "0",
  });
  res.end();
}

function parseCookies(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return map;
}
