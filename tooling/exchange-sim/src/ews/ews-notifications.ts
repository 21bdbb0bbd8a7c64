import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { StoreChange } from "../store/mailbox-store.js";
import { changeKey, resolveFolders } from "./ews-ids.js";
import { type EwsContext, perItem } from "./ews-operation.js";
import {
  all,
  ENVELOPE_TAIL,
  type EwsNode,
  envelopeHead,
  errorMessage,
  NS,
  one,
  operationResponse,
  successMessage,
  text,
  x,
} from "./ews-xml.js";

// Subscribe, GetEvents, GetStreamingEvents, Unsubscribe (MS-OXWSNTIF) over the store's change
// log. A watermark is the store change number after which events are wanted; a subscription's
// cursor advances as events are delivered, so a reconnecting stream gets what it missed while the
// subscription lives. Tests can drop live streams and expire subscriptions.

interface Subscription {
  id: string;
  kind: "pull" | "streaming";
  folders: Set<string> | "all";
  types: Set<string>;
  cursor: number;
}

export interface NotificationSettings {
  heartbeatMs: number;
  /** Overrides ConnectionTimeout (minutes) so tests need not wait. */
  closeAfterMs: number | undefined;
}

const watermarkOf = (changeNumber: number) => Buffer.from(`w:${changeNumber}`).toString("base64");
function changeNumberOf(watermark: string): number | undefined {
  const match = /^w:(\d+)$/.exec(Buffer.from(watermark, "base64").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

export class EwsNotifications {
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #streams = new Set<ServerResponse>();
  readonly settings: NotificationSettings = { heartbeatMs: 1_000, closeAfterMs: undefined };

  dropStreams(): void {
    for (const res of this.#streams) res.socket?.destroy();
    this.#streams.clear();
  }

  expireSubscriptions(): void {
    this.#subscriptions.clear();
    this.dropStreams();
  }

  #relevant(subscription: Subscription, change: StoreChange): boolean {
    if (subscription.folders === "all") return true;
    return (
      subscription.folders.has(change.folderId) ||
      ("fromFolderId" in change && subscription.folders.has(change.fromFolderId))
    );
  }

  #eventsXml(context: EwsContext, subscription: Subscription, changes: StoreChange[]): string {
    const { store } = context;
    const parts: string[] = [];
    for (const change of changes) {
      if (!this.#relevant(subscription, change)) continue;
      const head = `<t:Watermark>${watermarkOf(change.changeNumber)}</t:Watermark><t:TimeStamp>${new Date().toISOString()}</t:TimeStamp>`;
      const exists = "messageId" in change && store.messages().some((m) => m.id === change.messageId);
      const itemId =
        "messageId" in change
          ? exists
            ? `<t:ItemId Id="${change.messageId}" ChangeKey="${changeKey(store.message(change.messageId))}"/>`
            : `<t:ItemId Id="${change.messageId}"/>`
          : `<t:FolderId Id="${change.folderId}"/>`;
      const parent = `<t:ParentFolderId Id="${change.folderId}"/>`;
      const event = (type: string, extra = "") => {
        if (subscription.types.has(type))
          parts.push(`<t:${type}>${head}${itemId}${parent}${extra}</t:${type}>`);
      };
      switch (change.kind) {
        case "message-created":
          event("CreatedEvent");
          if (store.folder(change.folderId).specialUse === "inbox") event("NewMailEvent");
          break;
        case "message-updated":
        case "folder-updated":
          event("ModifiedEvent");
          break;
        case "message-moved":
          event(
            "MovedEvent",
            `<t:OldItemId Id="${change.messageId}"/><t:OldParentFolderId Id="${change.fromFolderId}"/>`,
          );
          break;
        case "message-deleted":
        case "folder-deleted":
          event("DeletedEvent");
          break;
        case "folder-created":
          event("CreatedEvent");
          break;
      }
    }
    return parts.join("");
  }

  subscribe(context: EwsContext, request: EwsNode): string {
    const pull = one(request, "PullSubscriptionRequest");
    const streaming = one(request, "StreamingSubscriptionRequest");
    const spec = pull ?? streaming;
    const message = perItem("Subscribe", () => {
      if (spec === undefined)
        return errorMessage("Subscribe", "ErrorInvalidRequest", "No subscription request.");
      const folders =
        spec["@SubscribeToAllFolders"] === "true"
          ? "all"
          : new Set(resolveFolders(context.store, one(spec, "FolderIds")));
      const types = new Set(all(one(spec, "EventTypes"), "EventType").map((node) => text(node)));
      let cursor = context.store.changeNumber;
      const watermark = text(one(spec, "Watermark"));
      if (watermark !== "") {
        const from = changeNumberOf(watermark);
        if (from === undefined || from > context.store.changeNumber) {
          return errorMessage(
            "Subscribe",
            "ErrorInvalidWatermark",
            "The watermark used for creating this subscription was not recognized.",
          );
        }
        cursor = from;
      }
      const subscription: Subscription = {
        id: randomUUID(),
        kind: pull ? "pull" : "streaming",
        folders,
        types,
        cursor,
      };
      this.#subscriptions.set(subscription.id, subscription);
      return successMessage(
        "Subscribe",
        `<m:SubscriptionId>${subscription.id}</m:SubscriptionId>${pull ? `<m:Watermark>${watermarkOf(cursor)}</m:Watermark>` : ""}`,
      );
    });
    return operationResponse(context.version, "Subscribe", [message]);
  }

  unsubscribe(context: EwsContext, request: EwsNode): string {
    const id = text(one(request, "SubscriptionId"));
    const removed = this.#subscriptions.delete(id);
    return operationResponse(context.version, "Unsubscribe", [
      removed
        ? successMessage("Unsubscribe")
        : errorMessage(
            "Unsubscribe",
            "ErrorSubscriptionNotFound",
            "The specified subscription was not found.",
          ),
    ]);
  }

  getEvents(context: EwsContext, request: EwsNode): string {
    const id = text(one(request, "SubscriptionId"));
    const subscription = this.#subscriptions.get(id);
    const given = text(one(request, "Watermark"));
    const from = changeNumberOf(given);
    if (subscription === undefined || subscription.kind !== "pull") {
      return operationResponse(context.version, "GetEvents", [
        errorMessage("GetEvents", "ErrorSubscriptionNotFound", "The specified subscription was not found."),
      ]);
    }
    if (from === undefined) {
      return operationResponse(context.version, "GetEvents", [
        errorMessage("GetEvents", "ErrorInvalidWatermark", "Invalid watermark."),
      ]);
    }
    const pending = context.store.changesSince(from).filter((c) => this.#relevant(subscription, c));
    const batch = pending.slice(0, 50);
    const more = pending.length > batch.length;
    subscription.cursor = batch.at(-1)?.changeNumber ?? Math.max(from, subscription.cursor);
    let events = this.#eventsXml(context, subscription, batch);
    if (events === "") {
      events = `<t:StatusEvent><t:Watermark>${watermarkOf(Math.max(from, context.store.changeNumber))}</t:Watermark></t:StatusEvent>`;
    }
    return operationResponse(context.version, "GetEvents", [
      successMessage(
        "GetEvents",
        `<m:Notification><t:SubscriptionId>${x(id)}</t:SubscriptionId><t:PreviousWatermark>${x(given)}</t:PreviousWatermark><t:MoreEvents>${more}</t:MoreEvents>${events}</m:Notification>`,
      ),
    ]);
  }

  getStreamingEvents(context: EwsContext, request: EwsNode, res: ServerResponse): void {
    const ids = all(one(request, "SubscriptionIds"), "SubscriptionId").map((node) => text(node));
    const subscriptions = ids.map((id) => this.#subscriptions.get(id));
    const document = (inner: string) =>
      `${envelopeHead(context.version)}<m:GetStreamingEventsResponse xmlns:m="${NS.m}" xmlns:t="${NS.t}"><m:ResponseMessages>${inner}</m:ResponseMessages></m:GetStreamingEventsResponse>${ENVELOPE_TAIL}`;
    if (subscriptions.some((s) => s === undefined || s.kind !== "streaming")) {
      const body = document(
        errorMessage(
          "GetStreamingEvents",
          "ErrorSubscriptionNotFound",
          "The specified subscription was not found.",
          "<m:ConnectionStatus>Closed</m:ConnectionStatus>",
        ),
      );
      res.writeHead(200, {
        "Content-Type": "text/xml; charset=utf-8",
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    const live = subscriptions as Subscription[];
    res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
    this.#streams.add(res);
    const flush = (status: "OK" | "Closed") => {
      if (res.writableEnded || res.destroyed) return;
      const notifications: string[] = [];
      for (const subscription of live) {
        const changes = context.store.changesSince(subscription.cursor);
        subscription.cursor = changes.at(-1)?.changeNumber ?? subscription.cursor;
        const events = this.#eventsXml(context, subscription, changes);
        if (events !== "")
          notifications.push(
            `<m:Notification><t:SubscriptionId>${subscription.id}</t:SubscriptionId>${events}</m:Notification>`,
          );
      }
      const inner =
        notifications.length > 0 ? `<m:Notifications>${notifications.join("")}</m:Notifications>` : "";
      res.write(
        document(
          `<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}<m:ConnectionStatus>${status}</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`,
        ),
      );
    };
    const minutes = Number(text(one(request, "ConnectionTimeout")) || 30);
    const closeAfter = this.settings.closeAfterMs ?? minutes * 60_000;
    flush("OK");
    const stop = context.store.onChange(() => queueMicrotask(() => flush("OK")));
    const heartbeat = setInterval(() => flush("OK"), this.settings.heartbeatMs);
    const closer = setTimeout(() => {
      flush("Closed");
      res.end();
    }, closeAfter);
    res.on("close", () => {
      stop();
      clearInterval(heartbeat);
      clearTimeout(closer);
      this.#streams.delete(res);
    });
  }
}
