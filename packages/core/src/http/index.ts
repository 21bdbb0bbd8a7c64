export type { AuthContext, AuthProvider, AuthSession } from "./auth/auth-provider.js";
export { basicProvider } from "./auth/basic-provider.js";
export { bearerProvider } from "./auth/bearer-provider.js";
export { type AuthChallenge, parseChallenges } from "./auth/challenge.js";
export { ntlmProvider } from "./auth/ntlm-provider.js";
export { type BodyReadOptions, ResponseBody } from "./body/response-body.js";
export { certificateHasPrincipalName, normalizePrincipalName } from "./connection/principal-name.js";
export { createHttpClient } from "./http-client.js";
export type {
  ConnectionInfo,
  IncomingResponse,
  Interceptor,
  OutgoingRequest,
  Send,
} from "./pipeline.js";
export type {
  ConnectedInfo,
  ExpectStatus,
  HttpClient,
  HttpClientOptions,
  HttpCredentials,
  HttpEngine,
  HttpHeaders,
  HttpRequest,
  HttpResponse,
  HttpTimeouts,
  HttpTlsOptions,
  RequestBody,
  RequestTimeouts,
} from "./types.js";
