import { ErrorCode, type MailwireErrorOptions } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import { BindNakReason } from "./constants.js";
import { faultStatusName } from "./fault-status.js";

/**
 * The server answered a call with a fault PDU (C706 12.6.4.7). `status` is the nca (or Win32)
 * status, `statusName` its mnemonic, e.g. "nca_s_op_rng_error".
 */
export class RpcFaultError extends RpcHttpError {
  static override readonly kind: string = "RpcFaultError";
  readonly status: number;
  readonly statusName: string;
  /** PFC_DID_NOT_EXECUTE was set: the call never reached the server's manager routine. */
  readonly didNotExecute: boolean;
  constructor(status: number, options: { didNotExecute?: boolean; operation?: string | undefined } = {}) {
    const statusName = faultStatusName(status);
    super(`${options.operation ?? "RPC call"} failed: fault ${statusName}`, {
      code: ErrorCode.PROTOCOL,
      details: {
        status: status >>> 0,
        statusName,
        didNotExecute: options.didNotExecute === true,
        ...(options.operation ? { operation: options.operation } : {}),
      },
    });
    this.status = status >>> 0;
    this.statusName = statusName;
    this.didNotExecute = options.didNotExecute === true;
  }
}

/** The server refused the bind (bind_nak, C706 12.6.4.4), or rejected every presentation context. */
export class RpcBindError extends RpcHttpError {
  static override readonly kind: string = "RpcBindError";
  /** bind_nak's provider_reject_reason, or the context's provider reason. */
  readonly reason: number;
  readonly reasonName: string;
  constructor(message: string, reason: number, options: MailwireErrorOptions = {}) {
    const reasonName = (BindNakReason as Record<number, string>)[reason] ?? `reason ${reason}`;
    super(`${message}: ${reasonName}`, {
      ...options,
      code: ErrorCode.PROTOCOL,
      details: { ...options.details, reason, reasonName },
    });
    this.reason = reason;
    this.reasonName = reasonName;
  }
}
