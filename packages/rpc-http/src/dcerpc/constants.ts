// Wire constants of connection-oriented DCE/RPC (C706 chapter 12) and the Microsoft
// extensions (MS-RPCE 2.2.2). Names follow the specs' mnemonics.

/** PTYPE values (C706 12.6.4.1; rpc_auth_3 from MS-RPCE 2.2.2.10; rts from MS-RPCH 2.2.3). */
export const PacketType = {
  request: 0,
  response: 2,
  fault: 3,
  bind: 11,
  bind_ack: 12,
  bind_nak: 13,
  alter_context: 14,
  alter_context_resp: 15,
  auth3: 16,
  shutdown: 17,
  co_cancel: 18,
  orphaned: 19,
  rts: 20,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** pfc_flags (C706 12.6.3.1; 0x04 is PFC_SUPPORT_HEADER_SIGN on bind-type PDUs, MS-RPCE 2.2.2.3). */
export const PfcFlag = {
  FIRST_FRAG: 0x01,
  LAST_FRAG: 0x02,
  PENDING_CANCEL: 0x04,
  SUPPORT_HEADER_SIGN: 0x04,
  CONC_MPX: 0x10,
  DID_NOT_EXECUTE: 0x20,
  MAYBE: 0x40,
  OBJECT_UUID: 0x80,
} as const;

/** Common header length (C706 12.6.3.1). */
export const COMMON_HEADER_LENGTH = 16;
/** Request header: common header + alloc_hint, p_cont_id, opnum (C706 12.6.4.9). */
export const REQUEST_HEADER_LENGTH = 24;
/** Response and fault bodies start after alloc_hint, p_cont_id, cancel_count, reserved (12.6.4.10). */
export const RESPONSE_HEADER_LENGTH = 24;
/** sec_trailer without auth_value (MS-RPCE 2.2.2.11). */
export const SEC_TRAILER_LENGTH = 8;

/** packed_drep for little-endian integers, ASCII characters, IEEE floats (C706 14.1). */
export const DREP_LITTLE_ENDIAN: readonly number[] = [0x10, 0x00, 0x00, 0x00];

/** auth_type (MS-RPCE 2.2.1.1.7). */
export const AuthType = {
  none: 0,
  /** RPC_C_AUTHN_GSS_NEGOTIATE (SPNEGO). */
  negotiate: 9,
  /** RPC_C_AUTHN_WINNT: NTLM. */
  winnt: 10,
  /** RPC_C_AUTHN_GSS_KERBEROS. */
  kerberos: 16,
} as const;

/** auth_level (MS-RPCE 2.2.1.1.8). */
export const AuthLevel = {
  none: 1,
  connect: 2,
  call: 3,
  packet: 4,
  /** RPC_C_AUTHN_LEVEL_PKT_INTEGRITY: every PDU signed. */
  integrity: 5,
  /** RPC_C_AUTHN_LEVEL_PKT_PRIVACY: stubs encrypted and PDUs signed. */
  privacy: 6,
} as const;
export type AuthLevel = (typeof AuthLevel)[keyof typeof AuthLevel];

/** p_cont_def_result_t (C706 12.6.3.1). */
export const ContextResult = {
  acceptance: 0,
  user_rejection: 1,
  provider_rejection: 2,
  /** MS-RPCE 2.2.2.4: the answer to a bind time feature negotiation context. */
  negotiate_ack: 3,
} as const;

/** p_provider_reason_t (C706 12.6.3.1). */
export const ProviderReason = {
  0: "reason_not_specified",
  1: "abstract_syntax_not_supported",
  2: "proposed_transfer_syntaxes_not_supported",
  3: "local_limit_exceeded",
} as const satisfies Record<number, string>;

/** bind_nak reject reasons (C706 12.6.3.1 p_reject_reason_t; 8 and 9 are MS-RPCE 2.2.2.5). */
export const BindNakReason = {
  0: "reason_not_specified",
  1: "temporary_congestion",
  2: "local_limit_exceeded",
  3: "called_paddr_unknown",
  4: "protocol_version_not_supported",
  5: "default_context_not_supported",
  6: "user_data_not_readable",
  7: "no_psap_available",
  8: "authentication_type_not_recognized",
  9: "invalid_checksum",
} as const satisfies Record<number, string>;

/** A syntax identifier: interface (or transfer syntax) UUID and version (C706 12.6.3.1 p_syntax_id_t). */
export interface SyntaxId {
  /** Lower-case canonical form, e.g. "8a885d04-1ceb-11c9-9fe8-08002b104860". */
  readonly uuid: string;
  readonly major: number;
  readonly minor: number;
}

/** The NDR 2.0 transfer syntax (C706 appendix I; MS-RPCE 2.2.4.12). */
export const NDR_TRANSFER_SYNTAX: SyntaxId = {
  uuid: "8a885d04-1ceb-11c9-9fe8-08002b104860",
  major: 2,
  minor: 0,
};
