import { ConnectionError, ErrorCode, MailwireError, ProtocolError } from "@mailwire/core";

/** Names of ReturnValue codes a session meets most (MS-OXCDATA 2.4). */
export const MapiErrorName: Readonly<Record<number, string>> = {
  2147500037: "ecError",
  2147746063: "ecNotFound",
  2147942405: "ecAccessDenied",
  2147942414: "ecNotEnoughMemory",
  2147746050: "ecNotSupported",
  2147942487: "ecInvalidParameter",
  1209: "ecNullObject",
  1144: "ecWrongServer",
  2147746071: "ecObjectDeleted",
  2147746077: "ecMaxSizeExceeded",
  1283: "ecDstNullObject",
  2147747333: "ecTooBig",
};

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}

/** A ROP failed: `returnValue` is its ReturnValue (MS-OXCDATA 2.4), `rop` its name. */
export class MapiRopError extends ProtocolError {
  static override readonly kind: string = "MapiRopError";
  readonly rop: string;
  readonly returnValue: number;
  constructor(rop: string, returnValue: number) {
    const name = MapiErrorName[returnValue >>> 0];
    super(`${rop} failed with ${name ?? "ReturnValue"} ${hex(returnValue)}`, {
      details: { rop, returnValue: returnValue >>> 0, errorName: name },
    });
    this.rop = rop;
    this.returnValue = returnValue >>> 0;
  }
}

/**
 * RopLogon answered ecWrongServer (MS-OXCROPS 2.2.3.1.4): the mailbox lives on `serverName`;
 * the caller reconnects there (for MAPI/HTTP, via Autodiscover for that server).
 */
export class LogonRedirectError extends MailwireError {
  static override readonly kind: string = "LogonRedirectError";
  readonly serverName: string;
  constructor(serverName: string) {
    super(ErrorCode.PROTOCOL, `The mailbox is on another server: ${serverName}`, {
      details: { serverName },
    });
    this.serverName = serverName;
  }
}

/**
 * The server dropped the session context (MAPI/HTTP X-ResponseCode 10, MS-OXCMAPIHTTP
 * 3.2.5.6; RPC: a zeroed context handle). The batch that met it was NOT sent again, and
 * every handle opened before is gone. `reconnected` says whether the transport already holds
 * a new context; the session logs on again on its next call. Retryable: the caller decides
 * whether repeating its operation is safe.
 */
export class SessionResetError extends ConnectionError {
  static override readonly kind: string = "SessionResetError";
  readonly reconnected: boolean;
  constructor(message: string, options: { reconnected: boolean; cause?: unknown; responseCode?: number }) {
    super(message, {
      cause: options.cause,
      retryable: true,
      details: { reconnected: options.reconnected, responseCode: options.responseCode },
    });
    this.reconnected = options.reconnected;
  }
}
