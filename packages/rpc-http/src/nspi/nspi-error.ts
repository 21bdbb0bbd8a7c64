import { RpcHttpError } from "../rpc-http-error.js";

/** NSPI return values (MS-OXNSPI 2.2.1.2). */
export const NspiErrorName: Readonly<Record<number, string>> = {
  2147746688: "ErrorsReturned",
  2147500037: "GeneralFailure",
  2147746050: "NotSupported",
  2147942487: "InvalidObject",
  2147746063: "NotFound",
  2147746065: "LogonFailed",
  2147746819: "TableTooBig",
  2147746821: "InvalidBookmark",
  2147942405: "AccessDenied",
  2147942414: "OutOfMemory",
  2147746562: "InvalidParameter",
  2147746817: "TooComplex",
};

/** An NSPI method returned an error code (the RPC itself succeeded). */
export class NspiError extends RpcHttpError {
  static override readonly kind: string = "NspiError";
  readonly operation: string;
  readonly returnValue: number;
  constructor(operation: string, returnValue: number) {
    const name = NspiErrorName[returnValue >>> 0];
    const hex = `0x${(returnValue >>> 0).toString(16).padStart(8, "0")}`;
    super(`${operation} returned ${name ? `${name} (${hex})` : hex}`, {
      details: { operation, returnValue: returnValue >>> 0, errorName: name },
    });
    this.operation = operation;
    this.returnValue = returnValue >>> 0;
  }
}
