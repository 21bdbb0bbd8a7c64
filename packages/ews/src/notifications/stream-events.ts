import { backoffDelay, isMailwireError, publish, sleep } from "@mailwire/core";
import type { SoapClient } from "../client/soap-client.js";
import type { FolderRef } from "../model/ids.js";
import { readResponseMessages, readSoapResponse } from "../soap/parse-response.js";
import { EnvelopeSplitter } from "../streaming/envelope-splitter.js";
import { parseXml } from "../xml/parse-xml.js";
import { element, textElement } from "../xml/serialize-xml.js";
import { childElement, childElements, childText } from "../xml/xml-element.js";
import { type EwsEvent, type EwsNotification, readNotification } from "./events.js";
import {
  getEvents,
  type SubscribeOptions,
  subscribePull,
  subscribeStreaming,
  unsubscribe,
} from "./subscriptions.js";

// A self-healing GetStreamingEvents loop (MS-OXWSNTIF 3.1.4.x). Exchange closes a streaming
// connection after ConnectionTimeout minutes (ConnectionStatus Closed) and networks drop it; both
// reconnect with the same subscription. If the subscription itself is gone (expired, server
// moved), a new one is made and the events in between are fetched with a pull subscription
// started from the last watermark seen; if that is impossible too, a "gap" notice tells the
// caller to resynchronize (SyncFolderItems). Nothing is lost silently.

export type StreamNotice =
  | { type: "events"; subscriptionId: string; events: EwsEvent[] }
  /** Events missed while the subscription was being replaced, fetched from the last watermark (may repeat some). */
  | { type: "recovered"; fromWatermark: string; events: EwsEvent[] }
  /** Events may have been lost: resynchronize. */
  | { type: "gap"; reason: string; error?: unknown }
  | { type: "reconnecting"; attempt: number; delayMs: number; error?: unknown };

export interface StreamEventsOptions extends SubscribeOptions {
  /** Minutes each GetStreamingEvents connection may stay open (1..30, default 30). */
  connectionTimeoutMinutes?: number | undefined;
  /** Consecutive failed connections before giving up (default 10). */
  maxReconnectAttempts?: number | undefined;
  reconnectBaseDelayMs?: number | undefined;
  reconnectMaxDelayMs?: number | undefined;
  /** A watermark from an earlier session: the first events come from it (via pull), then live. */
  watermark?: string | undefined;
}

const SUBSCRIPTION_GONE = new Set([
  "ErrorSubscriptionNotFound",
  "ErrorInvalidSubscription",
  "ErrorExpiredSubscription",
]);

interface StreamDocument {
  connectionStatus: string | undefined;
  notifications: EwsNotification[];
}

async function* openStream(
  soap: SoapClient,
  subscriptionId: string,
  options: StreamEventsOptions,
  onConnected: () => void,
): AsyncGenerator<StreamDocument> {
  const body = element(
    "m:GetStreamingEvents",
    undefined,
    element("m:SubscriptionIds", undefined, textElement("t:SubscriptionId", subscriptionId)),
    textElement("m:ConnectionTimeout", options.connectionTimeoutMinutes ?? 30),
  );
  const release = await soap.acquire(options.signal);
  try {
    const response = await soap.post("GetStreamingEvents", body, { signal: options.signal });
    if (response.statusCode === 200) onConnected();
    const splitter = new EnvelopeSplitter(soap.limits.maxResponseBytes);
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      for (const document of splitter.push(chunk)) {
        const parsed = readSoapResponse(parseXml(document, soap.limits));
        soap.observe(parsed);
        for (const result of readResponseMessages(parsed.body, (message) => ({
          connectionStatus: childText(message, "ConnectionStatus"),
          notifications: childElements(childElement(message, "Notifications"), "Notification").map(
            readNotification,
          ),
        }))) {
          if (!result.ok) throw result.error;
          yield result.value;
        }
      }
    }
    if (splitter.rest.trim() !== "") {
      const parsed = readSoapResponse(parseXml(splitter.rest, soap.limits)); // throws the ParseError for a cut document
      void parsed;
    }
  } finally {
    release();
  }
}

async function catchUp(
  soap: SoapClient,
  folders: readonly FolderRef[],
  watermark: string,
  options: StreamEventsOptions,
) {
  const pull = await subscribePull(soap, folders, { ...options, watermark, timeoutMinutes: 1 });
  const events: EwsEvent[] = [];
  try {
    let current = watermark;
    for (let page = 0; page < 1_000; page++) {
      const notification = await getEvents(soap, pull.subscriptionId, current, { signal: options.signal });
      for (const event of notification.events) {
        if (event.watermark !== undefined) current = event.watermark;
        if (event.type !== "StatusEvent") events.push(event);
      }
      if (!notification.moreEvents) break;
    }
  } finally {
    await unsubscribe(soap, pull.subscriptionId).catch(() => undefined);
  }
  return events;
}

export async function* streamEvents(
  soap: SoapClient,
  folders: readonly FolderRef[],
  options: StreamEventsOptions = {},
): AsyncGenerator<StreamNotice> {
  const maxAttempts = options.maxReconnectAttempts ?? 10;
  const backoff = {
    baseDelayMs: options.reconnectBaseDelayMs ?? 500,
    maxDelayMs: options.reconnectMaxDelayMs ?? 30_000,
    random: Math.random,
  };
  let subscriptionId = await subscribeStreaming(soap, folders, options);
  let watermark = options.watermark;
  let failures = 0;
  let connected = false;

  const replaceSubscription = async function* (
    reason: string,
    cause?: unknown,
  ): AsyncGenerator<StreamNotice> {
    subscriptionId = await subscribeStreaming(soap, folders, options);
    if (watermark === undefined) {
      yield { type: "gap", reason, error: cause };
      return;
    }
    try {
      const events = await catchUp(soap, folders, watermark, options);
      const from = watermark;
      const last = events.at(-1)?.watermark;
      if (last !== undefined) watermark = last;
      yield { type: "recovered", fromWatermark: from, events };
    } catch (error) {
      yield { type: "gap", reason: `${reason}; resuming from the watermark failed`, error };
    }
  };

  try {
    if (watermark !== undefined) yield* replaceSubscription("resuming an earlier session");
    while (!options.signal?.aborted) {
      try {
        connected = false;
        for await (const document of openStream(soap, subscriptionId, options, () => {
          connected = true;
        })) {
          failures = 0;
          for (const notification of document.notifications) {
            const events = notification.events.filter((event) => event.type !== "StatusEvent");
            for (const event of notification.events)
              if (event.watermark !== undefined) watermark = event.watermark;
            if (events.length > 0) yield { type: "events", subscriptionId, events };
          }
          if (document.connectionStatus === "Closed") break;
        }
        publish("mailwire:ews:stream", () => ({ state: "closed-by-server", subscriptionId }));
      } catch (error) {
        if (options.signal?.aborted) return;
        const responseCode = isMailwireError(error) ? error.details.responseCode : undefined;
        if (typeof responseCode === "string" && SUBSCRIPTION_GONE.has(responseCode)) {
          publish("mailwire:ews:stream", () => ({ state: "subscription-lost", responseCode }));
          failures += 1;
          if (failures > maxAttempts) throw error;
          yield* replaceSubscription(`the subscription was lost (${responseCode})`, error);
          continue;
        }
        if (responseCode === "ErrorMissedNotificationEvents") {
          failures += 1;
          if (failures > maxAttempts) throw error;
          yield { type: "gap", reason: "the server dropped events (ErrorMissedNotificationEvents)", error };
          continue;
        }
        // Silence on an open stream (the HTTP client's body timeout) is not the server failing: a
        // quiet mailbox must never exhaust maxReconnectAttempts. Reopen at once.
        if (connected && isMailwireError(error) && error.code === "MW_TIMEOUT") {
          publish("mailwire:ews:stream", () => ({ state: "idle-timeout", subscriptionId }));
          continue;
        }
        failures += 1;
        if (failures > maxAttempts) throw error;
        const delayMs = backoffDelay(failures, backoff);
        publish("mailwire:ews:stream", () => ({ state: "reconnecting", attempt: failures, delayMs }));
        yield { type: "reconnecting", attempt: failures, delayMs, error };
        await sleep(delayMs, options.signal).catch(() => undefined);
      }
    }
  } finally {
    await unsubscribe(soap, subscriptionId).catch(() => undefined);
  }
}
