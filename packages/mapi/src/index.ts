// Public surface of @mailwire/mapi. Names are listed explicitly (no `export *`) so that
// every addition is a deliberate, reviewable API change.
export {
  type CompressLz77Options,
  compressLz77,
  maxCompressedLz77Size,
} from "./compression/lz77-compress.js";
export { type DecompressLz77Options, decompressLz77 } from "./compression/lz77-decompress.js";
export { XOR_MAGIC, xorMagic } from "./compression/obfuscation.js";
export {
  type DecodedRpcHeaderExtChain,
  type DecodeRpcHeaderExtChainOptions,
  decodeRpcHeaderExt,
  decodeRpcHeaderExtChain,
  type EncodeRpcHeaderExtOptions,
  encodeRpcHeaderExt,
  encodeRpcHeaderExtChain,
  encodeRpcHeaderExtSegment,
  RPC_HEADER_EXT_LENGTH,
  RPC_HEADER_EXT_VERSION,
  type RpcHeaderExt,
  RpcHeaderExtFlag,
} from "./compression/rpc-header-ext.js";
export { MapiLimits } from "./limits.js";
