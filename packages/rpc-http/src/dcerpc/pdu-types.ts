import type { AuthLevel, SyntaxId } from "./constants.js";

/** auth_verifier_co_t / sec_trailer with its auth_value (C706 13.2.6.1, MS-RPCE 2.2.2.11). */
export interface AuthVerifier {
  readonly authType: number;
  readonly authLevel: AuthLevel | number;
  /** Bytes of padding before the sec_trailer (part of the stub area). */
  readonly authPadLength: number;
  readonly authContextId: number;
  readonly authValue: Uint8Array;
}

/** p_cont_elem_t: one presentation context a bind proposes (C706 12.6.3.1). */
export interface ContextElement {
  readonly contextId: number;
  readonly abstractSyntax: SyntaxId;
  readonly transferSyntaxes: readonly SyntaxId[];
}

/** p_result_t: the server's answer for one proposed context. */
export interface ContextResult {
  readonly result: number;
  /** p_provider_reason_t when the result is a rejection. */
  readonly reason: number;
  readonly transferSyntax: SyntaxId;
}

interface PduBase {
  /** pfc_flags. */
  readonly flags: number;
  readonly callId: number;
}

export interface BindPdu extends PduBase {
  readonly type: 11 | 14;
  readonly maxXmitFrag: number;
  readonly maxRecvFrag: number;
  readonly assocGroupId: number;
  readonly contexts: readonly ContextElement[];
  readonly auth?: AuthVerifier | undefined;
}

export interface BindAckPdu extends PduBase {
  readonly type: 12 | 15;
  readonly maxXmitFrag: number;
  readonly maxRecvFrag: number;
  readonly assocGroupId: number;
  /** port_any_t sec_addr: the server's port as text ("" in alter_context_resp). */
  readonly secondaryAddress: string;
  readonly results: readonly ContextResult[];
  readonly auth?: AuthVerifier | undefined;
}

export interface BindNakPdu extends PduBase {
  readonly type: 13;
  readonly reason: number;
  /** Protocol versions the server supports, as [major, minor]. */
  readonly versions: readonly (readonly [number, number])[];
}

export interface RequestPdu extends PduBase {
  readonly type: 0;
  readonly allocHint: number;
  readonly contextId: number;
  readonly opnum: number;
  /** Present when PFC_OBJECT_UUID is set. */
  readonly object?: string | undefined;
  /** Stub data, including the auth padding when `auth` is present (possibly still sealed). */
  readonly stub: Uint8Array;
  readonly auth?: AuthVerifier | undefined;
}

export interface ResponsePdu extends PduBase {
  readonly type: 2;
  readonly allocHint: number;
  readonly contextId: number;
  readonly cancelCount: number;
  /** Stub data, including the auth padding when `auth` is present (possibly still sealed). */
  readonly stub: Uint8Array;
  readonly auth?: AuthVerifier | undefined;
}

export interface FaultPdu extends PduBase {
  readonly type: 3;
  readonly allocHint: number;
  readonly contextId: number;
  readonly cancelCount: number;
  readonly status: number;
  readonly stub: Uint8Array;
  readonly auth?: AuthVerifier | undefined;
}

export interface Auth3Pdu extends PduBase {
  readonly type: 16;
  readonly auth: AuthVerifier;
}

/** shutdown, co_cancel, orphaned: a header and nothing the client acts on beyond the type. */
export interface BarePdu extends PduBase {
  readonly type: 17 | 18 | 19;
}

export type Pdu =
  | BindPdu
  | BindAckPdu
  | BindNakPdu
  | RequestPdu
  | ResponsePdu
  | FaultPdu
  | Auth3Pdu
  | BarePdu;
