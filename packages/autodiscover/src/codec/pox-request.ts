import { escapeXml } from "./xml-escape.js";

/** MS-OXDSCLI 2.2.3: the request namespace, and the one response schema Outlook asks for. */
export const PoxNamespace = {
  request: "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006",
  responseOutlook: "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a",
  responseEnvelope: "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006",
} as const;

/**
 * Headers Outlook sends with a POX request. `X-MapiHttpCapability: 1` asks for the
 * mapiHttp protocol block (MS-OXDSCLI 2.2.2.1); `X-ClientCanHandle` names optional features
 * the client understands (MS-OXDSCLI 2.2.2.2: Negotiate, ExHttpInfo).
 */
export const PoxRequestHeaders = {
  "content-type": "text/xml; charset=utf-8",
  "x-mapihttpcapability": "1",
  "x-clientcanhandle": "Negotiate, ExHttpInfo",
} as const;

export interface PoxRequestInit {
  emailAddress: string;
  /** MS-OXDSCLI 2.2.3.1.1.1.2: the user's legacy DN, when known, instead of (or with) the address. */
  legacyDn?: string | undefined;
}

/** Builds the POX request body (MS-OXDSCLI 2.2.3). */
export function buildPoxRequest(init: PoxRequestInit): string {
  const legacyDn = init.legacyDn === undefined ? "" : `<LegacyDN>${escapeXml(init.legacyDn)}</LegacyDN>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<Autodiscover xmlns="${PoxNamespace.request}"><Request>` +
    `<EMailAddress>${escapeXml(init.emailAddress)}</EMailAddress>${legacyDn}` +
    `<AcceptableResponseSchema>${PoxNamespace.responseOutlook}</AcceptableResponseSchema>` +
    `</Request></Autodiscover>`
  );
}
