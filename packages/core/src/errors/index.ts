export {
  AbortError,
  AuthError,
  ClosedError,
  ConnectionError,
  HttpStatusError,
  InvalidArgumentError,
  LimitExceededError,
  ParseError,
  ProtocolError,
  RedirectRefusedError,
  ServerBusyError,
  TimeoutError,
  TlsError,
} from "./error-classes.js";
export { ErrorCode } from "./error-codes.js";
export { isMailwireError, MailwireError, type MailwireErrorOptions } from "./mailwire-error.js";
