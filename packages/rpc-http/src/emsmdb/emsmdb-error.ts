import { MapiErrorName } from "@mailwire/mapi";
import { RpcHttpError } from "../rpc-http-error.js";

/** Return values of EMSMDB methods the client names (MS-OXCRPC 3.1.4 and MS-OXCDATA 2.4). */
export const EmsmdbReturnName: Readonly<Record<number, string>> = {
  ...MapiErrorName,
  1206: "ecRpcAuthentication",
  2416: "ecNotEncrypted",
  1143: "ecClientVerDisallowed",
  1152: "ecServerBusy",
  1247: "ecRpcFormat",
  1008: "ecLoginFailure",
};

/** An EMSMDB method returned a non-zero error code (the RPC itself succeeded). */
export class EmsmdbError extends RpcHttpError {
  static override readonly kind: string = "EmsmdbError";
  readonly operation: string;
  readonly returnValue: number;
  constructor(operation: string, returnValue: number) {
    const name = EmsmdbReturnName[returnValue >>> 0];
    const hex = `0x${(returnValue >>> 0).toString(16).padStart(8, "0")}`;
    super(`${operation} returned ${name ? `${name} (${hex})` : hex}`, {
      details: { operation, returnValue: returnValue >>> 0, errorName: name },
    });
    this.operation = operation;
    this.returnValue = returnValue >>> 0;
  }
}
