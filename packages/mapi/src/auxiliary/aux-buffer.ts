import {
  decodeRpcHeaderExtChain,
  type EncodeRpcHeaderExtOptions,
  encodeRpcHeaderExtChain,
} from "../compression/rpc-header-ext.js";
import { type AuxBlock, decodeAuxBlocks, encodeAuxBlocks } from "./aux-blocks.js";

/**
 * An auxiliary buffer as EcDoConnectEx/EcDoRpcExt2 (rgbAuxIn, rgbAuxOut) and MAPI/HTTP's
 * AuxiliaryBuffer carry it: an RPC_HEADER_EXT (possibly compressed and obfuscated) over
 * AUX_HEADER blocks (MS-OXCRPC 3.1.4.1.1.1, 3.1.4.1.2). An empty buffer means no blocks.
 */
export function encodeAuxiliaryBuffer(
  blocks: readonly AuxBlock[],
  options: EncodeRpcHeaderExtOptions = {},
): Uint8Array {
  if (blocks.length === 0) return new Uint8Array(0);
  return encodeRpcHeaderExtChain([encodeAuxBlocks(blocks)], options);
}

export function decodeAuxiliaryBuffer(bytes: Uint8Array): AuxBlock[] {
  if (bytes.length === 0) return [];
  const { payloads } = decodeRpcHeaderExtChain(bytes);
  return payloads.flatMap((payload) => decodeAuxBlocks(payload));
}
