import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode } from "../model/ids.js";
import { readResponseMessages, unwrapSingle } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import { childElement, childText } from "../xml/xml-element.js";
import { type EventType, type EwsNotification, readNotification } from "./events.js";

// Subscribe / GetEvents / Unsubscribe (MS-OXWSNTIF 3.1.4.x): pull subscriptions, resumable from a
// watermark, and streaming subscriptions whose events GetStreamingEvents delivers.

export interface SubscribeOptions extends SoapCallOptions {
  /** Default: all of NewMail, Created, Deleted, Modified, Moved, Copied. */
  eventTypes?: readonly EventType[] | undefined;
  /** Subscribe to every folder of the mailbox instead of `folders` (Exchange2010+). */
  allFolders?: boolean | undefined;
}

const DEFAULT_EVENTS: readonly EventType[] = [
  "NewMailEvent",
  "CreatedEvent",
  "DeletedEvent",
  "ModifiedEvent",
  "MovedEvent",
  "CopiedEvent",
];

function subscriptionBody(
  kind: "m:PullSubscriptionRequest" | "m:StreamingSubscriptionRequest",
  folders: readonly FolderRef[],
  options: SubscribeOptions,
  extra: XmlNode[],
): XmlNode {
  return element(
    "m:Subscribe",
    undefined,
    element(
      kind,
      options.allFolders ? { SubscribeToAllFolders: true } : undefined,
      options.allFolders ? undefined : element("t:FolderIds", undefined, ...folders.map(folderIdNode)),
      element(
        "t:EventTypes",
        undefined,
        ...(options.eventTypes ?? DEFAULT_EVENTS).map((type) => textElement("t:EventType", type)),
      ),
      ...extra,
    ),
  );
}

export interface PullSubscription {
  subscriptionId: string;
  watermark: string;
}

export async function subscribePull(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SubscribeOptions & {
    /** Resume after this watermark instead of now (events after it are delivered). */
    watermark?: string | undefined;
    /** Minutes without GetEvents before the server drops the subscription (1..1440, default 10). */
    timeoutMinutes?: number | undefined;
  } = {},
): Promise<PullSubscription> {
  const body = subscriptionBody("m:PullSubscriptionRequest", folders, options, [
    ...(options.watermark === undefined ? [] : [textElement("t:Watermark", options.watermark)]),
    textElement("t:Timeout", options.timeoutMinutes ?? 10),
  ]);
  const response = await soap.call("Subscribe", body, options);
  return unwrapSingle(
    readResponseMessages(response.body, (message) => ({
      subscriptionId: childText(message, "SubscriptionId") ?? "",
      watermark: childText(message, "Watermark") ?? "",
    })),
  );
}

export async function subscribeStreaming(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: SubscribeOptions = {},
): Promise<string> {
  const response = await soap.call(
    "Subscribe",
    subscriptionBody("m:StreamingSubscriptionRequest", folders, options, []),
    options,
  );
  return unwrapSingle(
    readResponseMessages(response.body, (message) => childText(message, "SubscriptionId") ?? ""),
  );
}

/** One GetEvents call: events after `watermark`; call again while `moreEvents`. */
export async function getEvents(
  soap: SoapClient,
  subscriptionId: string,
  watermark: string,
  options: SoapCallOptions = {},
): Promise<EwsNotification> {
  const body = element(
    "m:GetEvents",
    undefined,
    textElement("m:SubscriptionId", subscriptionId),
    textElement("m:Watermark", watermark),
  );
  const response = await soap.call("GetEvents", body, options);
  return unwrapSingle(
    readResponseMessages(response.body, (message) =>
      readNotification(childElement(message, "Notification") ?? message),
    ),
  );
}

export async function unsubscribe(
  soap: SoapClient,
  subscriptionId: string,
  options: SoapCallOptions = {},
): Promise<void> {
  const response = await soap.call(
    "Unsubscribe",
    element("m:Unsubscribe", undefined, textElement("m:SubscriptionId", subscriptionId)),
    options,
  );
  unwrapSingle(readResponseMessages(response.body, () => undefined));
}
