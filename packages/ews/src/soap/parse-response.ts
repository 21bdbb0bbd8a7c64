import { ProtocolError } from "@mailwire/core";
import { childElement, childText, type XmlElement } from "../xml/xml-element.js";
import { type EwsResponseError, ewsErrorFor } from "./ews-response-error.js";
import { readServerVersion, type ServerVersionInfo } from "./server-version.js";

/** One response message of a batch: Success and Warning carry the element, Error an error. */
export type EwsResult<T> =
  | {
      readonly ok: true;
      readonly responseClass: "Success" | "Warning";
      readonly responseCode: string;
      readonly messageText?: string;
      readonly value: T;
    }
  | {
      readonly ok: false;
      readonly responseClass: "Error";
      readonly responseCode: string;
      readonly error: ReturnType<typeof ewsErrorFor>;
    };

export interface SoapResponse {
  envelope: XmlElement;
  serverVersion: ServerVersionInfo | undefined;
  /** The operation's response element (e.g. GetItemResponse). */
  body: XmlElement;
}

/** MessageXml children as name → text; `<t:Value Name="X">v</t:Value>` uses the Name. */
export function messageXmlValues(messageXml: XmlElement | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const child of messageXml?.children ?? []) {
    const key = child.name === "Value" ? child.attributes.Name : child.name;
    if (key !== undefined) values[key] = child.text.trim() || (child.attributes.FieldURI ?? "");
  }
  return values;
}

/**
 * A SOAP 1.1 Fault (section 4.4): EWS puts its ResponseCode, Message and MessageXml in `detail`
 * (MS-OXWSCDATA 2.2.x, e.g. ErrorSchemaValidation, ErrorInvalidServerVersion, ErrorServerBusy).
 */
export function faultError(fault: XmlElement): EwsResponseError | ReturnType<typeof ewsErrorFor> {
  const detail = childElement(fault, "detail") ?? childElement(fault, "Detail");
  const responseCode = childText(detail, "ResponseCode") ?? childText(fault, "faultcode") ?? "SoapFault";
  const messageText = childText(detail, "Message") ?? childText(fault, "faultstring");
  return ewsErrorFor(responseCode, messageText, messageXmlValues(childElement(detail, "MessageXml")));
}

/** Splits a parsed envelope into header info and the body's response element; a Fault throws. */
export function readSoapResponse(envelope: XmlElement): SoapResponse {
  if (envelope.name !== "Envelope")
    throw new ProtocolError(`expected a SOAP Envelope, got <${envelope.name}>`);
  const body = childElement(envelope, "Body");
  const first = body?.children[0];
  if (first === undefined) throw new ProtocolError("the SOAP Body is empty");
  if (first.name === "Fault") throw faultError(first);
  return { envelope, serverVersion: readServerVersion(envelope), body: first };
}

/** Each `*ResponseMessage` under ResponseMessages (MS-OXWSCDATA 2.2.4.x ResponseMessageType) as a typed result. */
export function readResponseMessages<T>(
  response: XmlElement,
  read: (message: XmlElement) => T,
): EwsResult<T>[] {
  const messages = childElement(response, "ResponseMessages");
  if (messages === undefined) throw new ProtocolError(`<${response.name}> has no ResponseMessages`);
  return messages.children.map((message) => readResponseMessage(message, read));
}

export function readResponseMessage<T>(message: XmlElement, read: (message: XmlElement) => T): EwsResult<T> {
  const responseClass = message.attributes.ResponseClass;
  const responseCode =
    childText(message, "ResponseCode") ??
    (responseClass === "Error" ? "ErrorInternalServerError" : "NoError");
  const messageText = childText(message, "MessageText");
  if (responseClass === "Error") {
    return {
      ok: false,
      responseClass,
      responseCode,
      error: ewsErrorFor(responseCode, messageText, messageXmlValues(childElement(message, "MessageXml"))),
    };
  }
  if (responseClass !== "Success" && responseClass !== "Warning") {
    throw new ProtocolError(`unknown ResponseClass ${JSON.stringify(responseClass)}`);
  }
  return {
    ok: true,
    responseClass,
    responseCode,
    ...(messageText === undefined ? {} : { messageText }),
    value: read(message),
  };
}

/** The value of a single-message response, or its error thrown. */
export function unwrapSingle<T>(results: EwsResult<T>[]): T {
  const [first] = results;
  if (first === undefined) throw new ProtocolError("the response has no response message");
  if (!first.ok) throw first.error;
  return first.value;
}
