// Public surface of @mailwire/rpc-http. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export { RpcHttpError } from "./rpc-http-error.js";
export type { PduTransport } from "./transport/pdu-transport.js";
