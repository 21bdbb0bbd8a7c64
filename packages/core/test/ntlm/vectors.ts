import { readFileSync } from "node:fs";

/**
 * The spec vectors live outside the package, in the steering repo's shared folder
 * (/work/shared/vectors from /work/main, i.e. `../shared/vectors`). Read at test time.
 */
const VECTORS_DIR = new URL("../../../../../shared/vectors/ntlm/", import.meta.url);

export function loadVector<T = Record<string, unknown>>(fileName: string): T {
  return JSON.parse(readFileSync(new URL(fileName, VECTORS_DIR), "utf8")) as T;
}

export interface CommonValues {
  user: string;
  user_domain: string;
  password: string;
  server_name: string;
  workstation_name: string;
  random_session_key: string;
  time: string;
  client_challenge: string;
  server_challenge: string;
  gss_wrapex_plaintext_utf16le: string;
}

export interface NtlmV2Vector {
  challenge_flags_u32: string;
  challenge_flags_names: string[];
  av_pair_1_netbios_server_name: string;
  av_pair_2_netbios_domain_name: string;
  ntowfv2: string;
  lmowfv2: string;
  session_base_key: string;
  key_exchange_key: string;
  temp: string;
  lmv2_response: string;
  nt_proof_str: string;
  encrypted_session_key: string;
  challenge_message: string;
  authenticate_message: string;
  authenticate_message_fields: {
    negotiate_flags_u32: string;
    version: string;
    mic_present: boolean;
    domain_utf16le: string;
    user_utf16le: string;
    workstation_utf16le: string;
  };
  gss_wrapex_4_2_4_4: {
    seqnum: string;
    plaintext: string;
    client_seal_key: string;
    client_sign_key: string;
    sealed_data: string;
    checksum_hmac_md5_first8: string;
    checksum_rc4: string;
    signature: string;
  };
}

export const common = (): CommonValues => loadVector<CommonValues>("ms-nlmp-4.2.1-common-values.json");
export const ntlmv2Vector = (): NtlmV2Vector => loadVector<NtlmV2Vector>("ms-nlmp-4.2.4-ntlmv2.json");
