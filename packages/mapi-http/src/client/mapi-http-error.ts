import { ProtocolError } from "@mailwire/core";
import { responseCodeName } from "../codec/response-codes.js";

/**
 * The server answered a MAPI/HTTP request with a non-zero X-ResponseCode (MS-OXCMAPIHTTP
 * 2.2.3.3.3), or a body StatusCode/ErrorCode that is not success.
 */
export class MapiHttpError extends ProtocolError {
  static override readonly kind: string = "MapiHttpError";
  readonly requestType: string;
  readonly responseCode: number | undefined;
  readonly statusCode: number | undefined;
  readonly errorCode: number | undefined;

  constructor(
    requestType: string,
    detail: { responseCode?: number; statusCode?: number; errorCode?: number; message?: string },
  ) {
    const parts: string[] = [];
    if (detail.responseCode !== undefined)
      parts.push(`X-ResponseCode ${detail.responseCode} (${responseCodeName(detail.responseCode)})`);
    if (detail.statusCode !== undefined) parts.push(`StatusCode 0x${(detail.statusCode >>> 0).toString(16)}`);
    if (detail.errorCode !== undefined) parts.push(`ErrorCode 0x${(detail.errorCode >>> 0).toString(16)}`);
    super(`MAPI/HTTP ${requestType} failed: ${detail.message ?? parts.join(", ")}`, {
      details: {
        requestType,
        responseCode: detail.responseCode,
        statusCode: detail.statusCode,
        errorCode: detail.errorCode,
      },
    });
    this.requestType = requestType;
    this.responseCode = detail.responseCode;
    this.statusCode = detail.statusCode;
    this.errorCode = detail.errorCode;
  }
}
