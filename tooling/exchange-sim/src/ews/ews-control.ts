import type { MailboxStore } from "../store/mailbox-store.js";
import type { DeliveredMeetingRequest, MeetingRequestDelivery } from "./ews-meetings.js";

// Test controls for the sim's EWS endpoint: throttling as Exchange does it (an ErrorServerBusy
// SOAP fault with BackOffMilliseconds), a schema version the "server" speaks, raw replies for
// hostile-response tests, and a log of what clients sent.

export type EwsSchemaVersion =
  | "Exchange2007"
  | "Exchange2007_SP1"
  | "Exchange2010"
  | "Exchange2010_SP1"
  | "Exchange2010_SP2"
  | "Exchange2013"
  | "Exchange2013_SP1"
  | "Exchange2016";

export const EWS_SCHEMA_VERSIONS: readonly EwsSchemaVersion[] = [
  "Exchange2007",
  "Exchange2007_SP1",
  "Exchange2010",
  "Exchange2010_SP1",
  "Exchange2010_SP2",
  "Exchange2013",
  "Exchange2013_SP1",
  "Exchange2016",
];

export interface EwsRequestRecord {
  operation: string;
  requestServerVersion: string | undefined;
  impersonation: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export interface EwsSimControl {
  /** The schema this "server" speaks; newer RequestServerVersion values get ErrorInvalidServerVersion. Default Exchange2016. */
  serverVersion: EwsSchemaVersion;
  /** The next `count` requests get an ErrorServerBusy fault with this BackOffMilliseconds. */
  serverBusy(options?: { count?: number; backOffMs?: number }): void;
  /** The next `count` requests get this body verbatim (status default 200). */
  respondRaw(
    body: string | (() => AsyncIterable<string | Buffer>),
    options?: { count?: number; status?: number },
  ): void;
  /** Destroys every open GetStreamingEvents connection (a network drop). */
  dropStreams(): void;
  /** Forgets every subscription and drops the streams (a server restart or mailbox move). */
  expireSubscriptions(): void;
  /** Heartbeat interval and forced close of streaming connections (instead of ConnectionTimeout minutes). */
  streaming: { heartbeatMs: number; closeAfterMs: number | undefined };
  /**
   * Meetings from other mailboxes (ews-meetings.ts): a meeting request delivered to `store`'s
   * Inbox with its tentative calendar item, and later its cancellation.
   */
  meetings: {
    deliverRequest(store: MailboxStore, options: MeetingRequestDelivery): DeliveredMeetingRequest;
    deliverCancellation(store: MailboxStore, requestId: string): { cancellationId: string };
  };
  /** Requests received, newest last (at most 100 kept). */
  readonly requests: EwsRequestRecord[];
  clear(): void;
}

export interface EwsInjected {
  kind: "busy" | "raw";
  backOffMs?: number;
  body?: string | (() => AsyncIterable<string | Buffer>);
  status?: number;
}

export interface EwsControlInternals extends EwsSimControl {
  take(): EwsInjected | undefined;
  record(record: EwsRequestRecord): void;
}

export function createEwsControl(
  notifications: {
    dropStreams(): void;
    expireSubscriptions(): void;
    settings: { heartbeatMs: number; closeAfterMs: number | undefined };
  },
  meetings: EwsSimControl["meetings"],
): EwsControlInternals {
  const queue: EwsInjected[] = [];
  const requests: EwsRequestRecord[] = [];
  const push = (count: number, injected: EwsInjected) => {
    for (let i = 0; i < count; i++) queue.push(injected);
  };
  return {
    serverVersion: "Exchange2016",
    serverBusy: ({ count = 1, backOffMs = 50 } = {}) => push(count, { kind: "busy", backOffMs }),
    respondRaw: (body, { count = 1, status = 200 } = {}) => push(count, { kind: "raw", body, status }),
    requests,
    dropStreams: () => notifications.dropStreams(),
    expireSubscriptions: () => notifications.expireSubscriptions(),
    streaming: notifications.settings,
    meetings: {
      deliverRequest: (store, options) => meetings.deliverRequest(store, options),
      deliverCancellation: (store, requestId) => meetings.deliverCancellation(store, requestId),
    },
    clear() {
      queue.length = 0;
      requests.length = 0;
    },
    take: () => queue.shift(),
    record(record) {
      requests.push(record);
      if (requests.length > 100) requests.shift();
    },
  };
}
