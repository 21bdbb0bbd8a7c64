// Bounds for NDR decoding. A conformance or variance count comes from the peer; before it
// sizes anything it must fit both these limits and the bytes actually left in the stub.

export const NdrLimits = {
  /** Elements in one conformant or varying array (EMSMDB rgbOut is at most 0x40000 bytes). */
  maxArrayElements: 16 * 1024 * 1024,
  /** Characters in one string (DNs and display names are short; 64 Ki is generous). */
  maxStringLength: 64 * 1024,
} as const;
