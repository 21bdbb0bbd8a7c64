import { type ItemId, readChildId } from "../model/ids.js";
import { childText, type XmlElement } from "../xml/xml-element.js";

// Notification events (MS-OXWSNTIF 2.2.4.x BaseNotificationEventType and subtypes): one shape
// for all kinds; which ids are present depends on the kind and on item vs folder.

export const EventType = [
  "NewMailEvent",
  "CreatedEvent",
  "DeletedEvent",
  "ModifiedEvent",
  "MovedEvent",
  "CopiedEvent",
  "FreeBusyChangedEvent",
] as const;
export type EventType = (typeof EventType)[number];

export interface EwsEvent {
  /** NewMailEvent, CreatedEvent, ..., or StatusEvent (a pull heartbeat). */
  type: EventType | "StatusEvent";
  watermark?: string;
  timeStamp?: string;
  itemId?: ItemId;
  folderId?: ItemId;
  parentFolderId?: ItemId;
  oldItemId?: ItemId;
  oldFolderId?: ItemId;
  oldParentFolderId?: ItemId;
}

export interface EwsNotification {
  subscriptionId: string;
  previousWatermark?: string;
  moreEvents: boolean;
  events: EwsEvent[];
}

const EVENT_NAMES = new Set<string>([...EventType, "StatusEvent"]);

export function readEvent(element: XmlElement): EwsEvent | undefined {
  if (!EVENT_NAMES.has(element.name)) return undefined;
  const event: EwsEvent = { type: element.name as EwsEvent["type"] };
  const watermark = childText(element, "Watermark");
  if (watermark !== undefined) event.watermark = watermark;
  const timeStamp = childText(element, "TimeStamp");
  if (timeStamp !== undefined) event.timeStamp = timeStamp;
  for (const [key, name] of [
    ["itemId", "ItemId"],
    ["folderId", "FolderId"],
    ["parentFolderId", "ParentFolderId"],
    ["oldItemId", "OldItemId"],
    ["oldFolderId", "OldFolderId"],
    ["oldParentFolderId", "OldParentFolderId"],
  ] as const) {
    const id = readChildId(element, name);
    if (id !== undefined) event[key] = id;
  }
  return event;
}

export function readNotification(element: XmlElement): EwsNotification {
  const events: EwsEvent[] = [];
  for (const child of element.children) {
    const event = readEvent(child);
    if (event) events.push(event);
  }
  const notification: EwsNotification = {
    subscriptionId: childText(element, "SubscriptionId") ?? "",
    moreEvents: childText(element, "MoreEvents") === "true",
    events,
  };
  const previous = childText(element, "PreviousWatermark");
  if (previous !== undefined) notification.previousWatermark = previous;
  return notification;
}
