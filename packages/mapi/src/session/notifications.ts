import {
  type NotificationData,
  NotificationType,
  NotificationTypesMask,
  type RopNotifyResponse,
} from "../rops/notification.js";
import type { TransportCallOptions } from "./emsmdb-transport.js";
import type { ServerObject } from "./mapi-session.js";
import { RopBatch, type RopBatchResult } from "./rop-batch.js";

/** One event the server reported for a subscription (MS-OXCNOTIF 2.2.1.4.1.2). */
export interface MapiNotification {
  readonly kind: "newMail" | "created" | "deleted" | "modified" | "moved" | "copied" | "table" | "other";
  /** The folder the event happened in (for new mail: the folder the message arrived in). */
  readonly folderId: bigint | undefined;
  readonly messageId: bigint | undefined;
  /** PidTagMessageClass of new mail. */
  readonly messageClass: string | undefined;
  readonly data: NotificationData;
}

export interface NotificationsOptions {
  /** RopRegisterNotification NotificationTypes (`NotificationTypesMask`). Default: NewMail. */
  readonly types?: number;
  /** Watch one folder instead of the whole mailbox. */
  readonly folderId?: bigint;
}

function kindOf(flags: number): MapiNotification["kind"] {
  if (flags & NotificationType.NewMail) return "newMail";
  if (flags & NotificationType.ObjectCreated) return "created";
  if (flags & NotificationType.ObjectDeleted) return "deleted";
  if (flags & NotificationType.ObjectModified) return "modified";
  if (flags & NotificationType.ObjectMoved) return "moved";
  if (flags & NotificationType.ObjectCopied) return "copied";
  if (flags & NotificationType.TableModified) return "table";
  return "other";
}

export function toNotification(notify: RopNotifyResponse): MapiNotification {
  const data = notify.notificationData;
  return {
    kind: kindOf(data.notificationFlags),
    folderId: data.folderId,
    messageId: data.messageId,
    messageClass: data.messageClass,
    data,
  };
}

/** Most notifications kept for a subscription nobody is reading; older ones are dropped. */
const MAX_QUEUED = 1000;

/**
 * RopNotify responses by the subscription handle they name: any Execute can carry them
 * (MS-OXCNOTIF 3.2.5.4), so the session hands every batch's notifications to this router and
 * each subscription reads its own queue.
 */
export class NotificationRouter {
  readonly #queues = new Map<number, RopNotifyResponse[]>();

  open(handle: number): void {
    if (!this.#queues.has(handle)) this.#queues.set(handle, []);
  }

  close(handle: number): void {
    this.#queues.delete(handle);
  }

  /** Forgets every subscription (a new session context has none). */
  clear(): void {
    this.#queues.clear();
  }

  deliver(notifications: readonly RopNotifyResponse[]): void {
    for (const notify of notifications) {
      const queue = this.#queues.get(notify.notificationHandle);
      if (!queue) continue;
      queue.push(notify);
      if (queue.length > MAX_QUEUED) queue.shift();
    }
  }

  take(handle: number): RopNotifyResponse[] {
    const queue = this.#queues.get(handle);
    if (!queue || queue.length === 0) return [];
    this.#queues.set(handle, []);
    return queue;
  }
}

/** What the session lends a subscription. */
export interface NotificationHost {
  generation(): number;
  send(
    batch: RopBatch,
    options: TransportCallOptions,
    send?: { evenIfEmpty?: boolean },
  ): Promise<RopBatchResult>;
  release(...objects: ServerObject[]): void;
  checkGeneration(object: ServerObject): void;
  /** The transport's long poll (NotificationWait, EcDoAsyncWaitEx). */
  wait(options: TransportCallOptions): Promise<boolean>;
  readonly router: NotificationRouter;
}

/**
 * RopRegisterNotification on the logon (MS-OXCNOTIF 3.1.4.1), then the events as they come:
 * queued ones first, then a long poll; when the server says events are pending, an Execute
 * of no ROPs fetches them (3.1.5.1). Ending the loop releases the subscription.
 */
export async function* subscriptionEvents(
  host: NotificationHost,
  logonHandle: number,
  options: NotificationsOptions & TransportCallOptions,
): AsyncGenerator<MapiNotification> {
  const batch = new RopBatch();
  const slot = batch.output();
  const at = batch.add({
    rop: "RopRegisterNotification",
    logonId: 0,
    inputHandleIndex: batch.input(logonHandle),
    outputHandleIndex: slot,
    notificationTypes: options.types ?? NotificationTypesMask.NewMail,
    reserved: 0,
    target: options.folderId === undefined ? null : { folderId: options.folderId, messageId: 0n },
  });
  const result = await host.send(batch, options);
  result.response(at, "RopRegisterNotification");
  const subscription = { handle: result.handle(slot), generation: host.generation() };
  host.router.open(subscription.handle);
  try {
    for (;;) {
      for (const notify of host.router.take(subscription.handle)) yield toNotification(notify);
      host.checkGeneration(subscription);
      if (await host.wait(options)) {
        // The fetch is one short Execute. Cancelling it half-way would leave the session unusable
        // for the caller's other calls (RPC: the connection carrying the call; MAPI/HTTP: the
        // request sequence), so `signal` ends the wait but lets a started fetch finish.
        await host.send(new RopBatch(), { ...options, signal: undefined }, { evenIfEmpty: true });
      }
    }
  } finally {
    host.router.close(subscription.handle);
    host.release(subscription);
  }
}
