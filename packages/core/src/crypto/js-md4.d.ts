// Minimal types for the parts of js-md4 we use. The package ships none.
declare module "js-md4" {
  type Md4Input = string | ArrayBuffer | Uint8Array | readonly number[];
  interface Md4 {
    (message: Md4Input): string;
    /** Pure-JS digest; unlike the bare call, never routed to node:crypto (which lacks MD4 on OpenSSL 3). */
    arrayBuffer(message: Md4Input): ArrayBuffer;
    array(message: Md4Input): number[];
    hex(message: Md4Input): string;
  }
  const md4: Md4;
  export = md4;
}
