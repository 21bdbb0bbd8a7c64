// MS-OXWSCDATA 2.1 / MS-OXWSMSG: EWS puts operation elements in the messages namespace (prefix
// m:) and shared types in the types namespace (t:); the envelope is SOAP 1.1.
export const Namespace = {
  soap: "http://schemas.xmlsoap.org/soap/envelope/",
  messages: "http://schemas.microsoft.com/exchange/services/2006/messages",
  types: "http://schemas.microsoft.com/exchange/services/2006/types",
} as const;
