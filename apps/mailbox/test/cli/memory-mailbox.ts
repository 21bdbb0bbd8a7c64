import { Readable } from "node:stream";
import { AuthError, ConnectionError } from "@mailwire/core";
import type { ConnectAttemptView, DiscoveryView, MailboxBackend } from "../../src/cli/environment.js";
import type {
  FolderInfo,
  Mailbox,
  MailEvent,
  MessageDetail,
  MessageSummary,
  OutgoingMessage,
  ProtocolName,
  SearchQuery,
} from "../../src/mailbox.js";

// Test code only: a Mailbox held in memory, with switches to drop the "network" (every call
// then fails with MW_CONNECTION, as a stopped server does) and to fail after N reads (a
// connection lost mid-sync). The CLI tests run runCli() in-process against it.

export interface MemoryMessage extends MessageDetail {
  content: Map<string, Uint8Array>;
}

export class MemoryServer {
  online = true;
  password = "s3cret-pw";
  /** Reads left before the connection "breaks" (undefined: never). */
  readsBeforeFailure: number | undefined;
  readonly folders: FolderInfo[] = [
    { id: "f-inbox", name: "Inbox", path: ["Inbox"], role: "inbox" },
    { id: "f-projects", name: "Projects", path: ["Inbox", "Projects"], parentId: "f-inbox" },
    { id: "f-sent", name: "Sent Items", path: ["Sent Items"], role: "sent" },
    { id: "f-trash", name: "Deleted Items", path: ["Deleted Items"], role: "trash" },
  ];
  readonly messages = new Map<string, MemoryMessage>();
  readonly sent: OutgoingMessage[] = [];
  readonly reads: string[] = [];
  readonly listeners = new Set<(event: MailEvent) => void>();
  #next = 1;

  constructor(count = 12) {
    for (let i = 0; i < count; i++)
      this.deliver(`Message ${i + 1}`, i % 5 === 0 ? "f-projects" : "f-inbox", i);
  }

  deliver(subject: string, folderId = "f-inbox", age = 0): MemoryMessage {
    const id = `m${this.#next++}`;
    const withAttachment = this.#next % 4 === 0;
    const content = new Map<string, Uint8Array>();
    if (withAttachment) content.set("a1", new TextEncoder().encode(`attachment of ${subject}`));
    const message: MemoryMessage = {
      id,
      folderId,
      subject,
      from: { name: "Sender", address: "sender@example.test" },
      to: [{ address: "user@example.test" }],
      cc: [],
      date: new Date(Date.UTC(2026, 0, 1) + (1000 - age) * 60_000 + this.#next),
      size: 100 + subject.length,
      read: false,
      hasAttachments: withAttachment,
      headers: [
        ["From", "Sender <sender@example.test>"],
        ["Subject", subject],
      ],
      text: `Body of ${subject}`,
      attachments: withAttachment
        ? [{ id: "a1", name: "../notes.txt", contentType: "text/plain", size: 20 }]
        : [],
      content,
    };
    this.messages.set(id, message);
    for (const listener of this.listeners) listener({ type: "new", folderId, messageId: id });
    return message;
  }

  check(): void {
    if (!this.online)
      throw new ConnectionError("connect ECONNREFUSED 127.0.0.1:1", {
        details: { protocol: "ews", step: "connect" },
      });
  }
}

function summary(m: MemoryMessage): MessageSummary {
  const { cc: _cc, headers: _h, text: _t, html: _html, attachments: _a, content: _c, ...rest } = m;
  return rest;
}

export class MemoryMailbox implements Mailbox {
  readonly capabilities = {
    folders: true,
    move: true,
    markRead: true,
    search: true,
    send: true,
    watch: "push",
  } as const;
  constructor(
    readonly server: MemoryServer,
    readonly protocol: ProtocolName = "ews",
  ) {}

  async folders(): Promise<FolderInfo[]> {
    this.server.check();
    return this.server.folders.map((f) => ({
      ...f,
      total: [...this.server.messages.values()].filter((m) => m.folderId === f.id).length,
    }));
  }

  async *list(folderId: string): AsyncIterable<MessageSummary> {
    this.server.check();
    const items = [...this.server.messages.values()]
      .filter((m) => m.folderId === folderId)
      .sort((a, b) => (b.date?.getTime() ?? 0) - (a.date?.getTime() ?? 0));
    for (const m of items) {
      this.server.check();
      yield summary(m);
    }
  }

  async read(messageId: string): Promise<MessageDetail> {
    this.server.check();
    if (this.server.readsBeforeFailure !== undefined) {
      if (this.server.readsBeforeFailure <= 0) {
        this.server.online = false;
        this.server.check();
      }
      this.server.readsBeforeFailure -= 1;
    }
    const m = this.server.messages.get(messageId);
    if (!m) throw Object.assign(new ConnectionError("no"), { code: "MW_INVALID_ID" });
    this.server.reads.push(messageId);
    const { content: _c, ...detail } = m;
    return detail;
  }

  async openAttachment(messageId: string, attachmentId: string): Promise<Readable> {
    this.server.check();
    const bytes = this.server.messages.get(messageId)?.content.get(attachmentId);
    if (!bytes) throw new Error("no attachment");
    return Readable.from([Buffer.from(bytes)]);
  }

  async *search(folderId: string, query: SearchQuery): AsyncIterable<MessageSummary> {
    for await (const m of this.list(folderId)) {
      if (query.subject && !m.subject.toLowerCase().includes(query.subject.toLowerCase())) continue;
      if (query.unread && m.read) continue;
      yield m;
    }
  }

  async markRead(ids: readonly string[], read: boolean): Promise<void> {
    this.server.check();
    for (const id of ids) {
      const m = this.server.messages.get(id);
      if (m) this.server.messages.set(id, { ...m, read });
    }
  }

  async move(ids: readonly string[], target: string): Promise<void> {
    this.server.check();
    for (const id of ids) {
      const m = this.server.messages.get(id);
      if (m) this.server.messages.set(id, { ...m, folderId: target });
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    this.server.check();
    for (const id of ids) this.server.messages.delete(id);
  }

  async send(message: OutgoingMessage): Promise<void> {
    this.server.check();
    this.server.sent.push(message);
  }

  async *watch(options: { signal?: AbortSignal | undefined } = {}): AsyncIterable<MailEvent> {
    const queue: MailEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: MailEvent) => {
      queue.push(event);
      wake?.();
    };
    this.server.listeners.add(listener);
    try {
      while (!options.signal?.aborted) {
        const event = queue.shift();
        if (event) {
          yield event;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          options.signal?.addEventListener("abort", () => resolve(), { once: true });
        });
      }
    } finally {
      this.server.listeners.delete(listener);
    }
  }

  async close(): Promise<void> {}
}

export function memoryBackend(server: MemoryServer): MailboxBackend & { opened: number } {
  const backend = {
    opened: 0,
    async discover(): Promise<DiscoveryView> {
      server.check();
      return {
        source: { method: "pox", url: "https://mail.example.test/autodiscover/autodiscover.xml" },
        trace: [
          {
            method: "pox",
            target: "https://example.test/autodiscover/autodiscover.xml",
            outcome: "error",
            errorCode: "MW_CONNECTION",
            detail: "ECONNREFUSED",
          },
          {
            method: "pox",
            target: "https://autodiscover.example.test/autodiscover/autodiscover.xml",
            outcome: "settings",
            statusCode: 200,
          },
        ],
        endpoints: {
          "mapi-http": "https://mail.example.test/mapi/emsmdb/",
          ews: "https://mail.example.test/EWS/Exchange.asmx",
        },
        settings: { ews: { externalUrl: "https://mail.example.test/EWS/Exchange.asmx" } },
      };
    },
    async connect(request: { order: readonly ProtocolName[]; secret: { kind: string; password?: string } }) {
      const attempts: ConnectAttemptView[] = [];
      for (const protocol of request.order) {
        if (
          protocol === "mapi-http" ||
          protocol === "rpc-http" ||
          protocol === "pop3" ||
          protocol === "imap"
        ) {
          attempts.push({ protocol, outcome: "no-endpoint" });
          continue;
        }
        if (request.secret.kind === "password" && request.secret.password !== server.password) {
          attempts.push({ protocol, outcome: "failed", step: "authenticate", errorCode: "MW_AUTH_FAILED" });
          throw new AuthError("ews authenticate failed: 401", {
            details: { protocol, step: "authenticate", attempts },
          });
        }
        attempts.push({
          protocol,
          outcome: "connected",
          endpoint: "https://mail.example.test/EWS/Exchange.asmx",
        });
        backend.opened += 1;
        return { mailbox: new MemoryMailbox(server, protocol), attempts };
      }
      throw new ConnectionError("nothing connected", { details: { step: "connect", attempts } });
    },
    async open(request: { secret: { kind: string; password?: string } }) {
      server.check();
      if (request.secret.kind === "password" && request.secret.password !== server.password) {
        throw new AuthError("ews authenticate failed: 401", {
          details: { protocol: "ews", step: "authenticate" },
        });
      }
      backend.opened += 1;
      return new MemoryMailbox(server);
    },
  };
  return backend as MailboxBackend & { opened: number };
}
