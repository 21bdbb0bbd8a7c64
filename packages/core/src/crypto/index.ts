// Internal crypto primitives used by NTLM (and later SASL CRAM-MD5). Explicit names only.
export { md4 } from "./md4.js";
export { hmacMd5, md5 } from "./md5.js";
export { Rc4, rc4 } from "./rc4.js";
