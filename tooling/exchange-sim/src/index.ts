export type { AuthSettings, ConnectionState } from "./auth/authenticate-request.js";
export type { IssuedToken, TokenCheck } from "./auth/bearer-tokens.js";
export type { AuthenticatedUser, AuthScheme, SimCredentials } from "./auth/credentials.js";
export type { NtlmSettings } from "./auth/ntlm-handshake.js";
export type {
  AutodiscoverAnswer,
  AutodiscoverControl,
  AutodiscoverRequestLog,
} from "./autodiscover/autodiscover-control.js";
export type { Fault, FaultOptions, Faults } from "./faults.js";
export type { RouteContext, RouteHandler, RouteOptions } from "./http/router.js";
export { channelBindingHash } from "./ntlm/channel-bindings.js";
export {
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
  verifyAuthenticate,
} from "./ntlm/verify-authenticate.js";
export type { RpcFault, RpcSimControl, RpcSimStats } from "./rpc/rpc-server.js";
export type {
  RpcBackend,
  RpcProxyControl,
  RpcProxySettings,
  RpcProxyStats,
} from "./rpcproxy/rpc-proxy-settings.js";
export {
  type SmtpDelivery,
  type SmtpListener,
  type SmtpListenerOptions,
  startSmtpListener,
} from "./smtp/smtp-listener.js";
export { type ExchangeSim, type SimOptions, startSim } from "./start-sim.js";
export type { SimStats } from "./stats.js";
export {
  MailboxStore,
  type StoreChange,
  StoreError,
  type StoreFolder,
  type StoreMessage,
} from "./store/mailbox-store.js";
