import { InvalidArgumentError } from "@mailwire/core";
import type { SoapCallOptions, SoapClient } from "../client/soap-client.js";
import { type FolderRef, folderIdNode, type ItemId, itemIdNode } from "../model/ids.js";
import { readReturnedItemId } from "../model/item.js";
import { bodyNode, dateTime } from "../model/pim-items.js";
import { type EwsResult, readResponseMessages } from "../soap/parse-response.js";
import { element, textElement, type XmlNode } from "../xml/serialize-xml.js";
import type { MessageDisposition } from "./create-item.js";

// Meeting responses and cancellations are response objects created with CreateItem
// (MS-OXWSMTGS 3.1.4.x): AcceptItem, TentativelyAcceptItem and DeclineItem answer a meeting
// request (or the calendar item it created) named by ReferenceItemId; CancelCalendarItem is the
// organizer's cancellation of their own meeting. MessageDisposition is required for response
// objects (Exchange answers ErrorMessageDispositionRequired without it), so it is always sent:
// SendAndSaveCopy by default (the response or cancellation is sent to the organizer / attendees and
// a copy is kept in Sent Items), SendOnly (sent, no copy), or — for responses only — SaveOnly (a
// draft response; the calendar is not changed until it is sent).

export type MeetingResponseKind = "accept" | "tentativelyAccept" | "decline";

export interface MeetingResponse {
  kind: MeetingResponseKind;
  /** The meeting request, or the attendee's calendar item for the meeting. */
  referenceItemId: ItemId;
  /** A message to the organizer. */
  body?: { bodyType: "HTML" | "Text"; text: string } | undefined;
  /**
   * Propose another time (Exchange 2013+; both or neither): ProposedStart and ProposedEnd of
   * MeetingRegistrationResponseObjectType, usually with a tentative accept or a decline.
   */
  proposedStart?: Date | string | undefined;
  proposedEnd?: Date | string | undefined;
}

export interface MeetingCancellation {
  /** The organizer's calendar item. */
  itemId: ItemId;
  /** Text added to the cancellation sent to the attendees (NewBodyContent). */
  body?: { bodyType: "HTML" | "Text"; text: string } | undefined;
}

const RESPONSE_ELEMENTS: Readonly<Record<MeetingResponseKind, string>> = {
  accept: "t:AcceptItem",
  tentativelyAccept: "t:TentativelyAcceptItem",
  decline: "t:DeclineItem",
};

// WellKnownResponseObjectType (a restriction of MessageType): Body comes before ReferenceItemId;
// MeetingRegistrationResponseObjectType then adds ProposedStart and ProposedEnd.
function responseNode(response: MeetingResponse): XmlNode {
  const name = RESPONSE_ELEMENTS[response.kind];
  if (name === undefined)
    throw new InvalidArgumentError(`unknown meeting response "${String(response.kind)}"`);
  if (!response.referenceItemId?.id)
    throw new InvalidArgumentError("a meeting response needs a referenceItemId");
  const { proposedStart, proposedEnd } = response;
  if ((proposedStart === undefined) !== (proposedEnd === undefined)) {
    throw new InvalidArgumentError("a proposed new time needs both proposedStart and proposedEnd");
  }
  return element(
    name,
    undefined,
    bodyNode(response.body),
    itemIdNode(response.referenceItemId, "t:ReferenceItemId"),
    proposedStart === undefined ? undefined : textElement("t:ProposedStart", dateTime(proposedStart)),
    proposedEnd === undefined ? undefined : textElement("t:ProposedEnd", dateTime(proposedEnd)),
  );
}

// CancelCalendarItemType (SmartResponseType): ReferenceItemId, then NewBodyContent.
function cancellationNode(cancellation: MeetingCancellation): XmlNode {
  if (!cancellation.itemId?.id) throw new InvalidArgumentError("a cancellation needs the calendar item's id");
  return element(
    "t:CancelCalendarItem",
    undefined,
    itemIdNode(cancellation.itemId, "t:ReferenceItemId"),
    cancellation.body === undefined
      ? undefined
      : element("t:NewBodyContent", { BodyType: cancellation.body.bodyType }, cancellation.body.text),
  );
}

function responseObjectsBody(
  nodes: XmlNode[],
  disposition: MessageDisposition,
  savedItemFolder: FolderRef | undefined,
): XmlNode {
  return element(
    "m:CreateItem",
    { MessageDisposition: disposition },
    savedItemFolder === undefined
      ? undefined
      : element("m:SavedItemFolderId", undefined, folderIdNode(savedItemFolder)),
    element("m:Items", undefined, ...nodes),
  );
}

/** The CreateItem request for meeting responses (exported for request-shape tests). */
export function meetingResponsesBody(
  responses: readonly MeetingResponse[],
  options: { disposition?: MessageDisposition | undefined; savedItemFolder?: FolderRef | undefined } = {},
): XmlNode {
  if (responses.length === 0) throw new InvalidArgumentError("respondToMeetings needs at least one response");
  return responseObjectsBody(
    responses.map(responseNode),
    options.disposition ?? "SendAndSaveCopy",
    options.savedItemFolder,
  );
}

/** The CreateItem request for cancellations (exported for request-shape tests). */
export function cancellationsBody(
  cancellations: readonly MeetingCancellation[],
  options: {
    disposition?: "SendOnly" | "SendAndSaveCopy" | undefined;
    savedItemFolder?: FolderRef | undefined;
  } = {},
): XmlNode {
  if (cancellations.length === 0)
    throw new InvalidArgumentError("cancelCalendarItems needs at least one item");
  const disposition = options.disposition ?? "SendAndSaveCopy";
  if (disposition !== "SendOnly" && disposition !== "SendAndSaveCopy") {
    throw new InvalidArgumentError("a cancellation is sent: disposition must be SendOnly or SendAndSaveCopy");
  }
  return responseObjectsBody(cancellations.map(cancellationNode), disposition, options.savedItemFolder);
}

async function send(
  soap: SoapClient,
  body: XmlNode,
  options: SoapCallOptions,
): Promise<EwsResult<ItemId | undefined>[]> {
  // A write: never repeated on a busy server (a response sent twice reaches the organizer twice).
  const response = await soap.call("CreateItem", body, options);
  return readResponseMessages(response.body, readReturnedItemId);
}

/**
 * Accepts, tentatively accepts or declines meeting requests; one typed result per response. The
 * value is the saved response's id where the server returns one (SaveOnly), else undefined.
 */
export async function respondToMeetings(
  soap: SoapClient,
  responses: readonly MeetingResponse[],
  options: SoapCallOptions & {
    disposition?: MessageDisposition | undefined;
    savedItemFolder?: FolderRef | undefined;
  } = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  return send(soap, meetingResponsesBody(responses, options), options);
}

/** Cancels meetings this mailbox organizes and tells the attendees; one typed result per meeting. */
export async function cancelCalendarItems(
  soap: SoapClient,
  cancellations: readonly MeetingCancellation[],
  options: SoapCallOptions & {
    /** SendAndSaveCopy (default) or SendOnly: a cancellation is always sent. */
    disposition?: "SendOnly" | "SendAndSaveCopy" | undefined;
    savedItemFolder?: FolderRef | undefined;
  } = {},
): Promise<EwsResult<ItemId | undefined>[]> {
  return send(soap, cancellationsBody(cancellations, options), options);
}
