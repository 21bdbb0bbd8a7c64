import { ProtocolError } from "@mailwire/core";

/** A DCE/RPC or RPC over HTTP failure the server reported or the client detected on the wire. */
export class RpcHttpError extends ProtocolError {
  static override readonly kind: string = "RpcHttpError";
}
