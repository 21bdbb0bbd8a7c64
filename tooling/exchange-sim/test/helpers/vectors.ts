import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The shared spec vectors live beside the repository (../shared/vectors from the repo root).
const root = fileURLToPath(new URL("../../../../../shared/vectors/ntlm/", import.meta.url));

export interface Ntlmv2Vector {
  challenge_message: string;
  authenticate_message: string;
  nt_proof_str: string;
  session_base_key: string;
  ntowfv2: string;
}

export const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
export const msNlmp424 = JSON.parse(readFileSync(`${root}ms-nlmp-4.2.4-ntlmv2.json`, "utf8")) as Ntlmv2Vector;
