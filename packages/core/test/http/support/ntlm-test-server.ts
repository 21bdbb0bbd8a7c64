import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import jsMd4 from "js-md4";
import { type Handler, readBody } from "./servers.js";

/**
 * A small NTLM server for the transport tests: it answers NEGOTIATE with a CHALLENGE it
 * builds itself (MS-NLMP 2.2.1.2, with target info incl. MsvAvTimestamp), and checks the
 * AUTHENTICATE (2.2.1.3) is for the expected user and carries a valid NTProofStr
 * (NTLMv2, 3.3.2). Authentication sticks to the TCP connection, as IIS does.
 */
export interface NtlmServerOptions {
  username: string;
  password: string;
  domain: string;
  /**
   * Accept NTLMv1 responses (24-byte NtChallengeResponse) for the right user without
   * verifying them. Only for the benchmark's peer library, which speaks v1.
   */
  lenientV1?: boolean;
  /** Called for each authenticated request; default answers 200 "ok". */
  onAuthenticated?: Handler;
}

export interface NtlmServerStats {
  negotiates: number;
  authenticates: number;
  failures: number;
  authenticatedRequests: number;
}

const FLAGS =
  0x00000001 | // UNICODE
  0x00000004 | // REQUEST_TARGET
  0x00000200 | // NTLM
  0x00008000 | // ALWAYS_SIGN
  0x00010000 | // TARGET_TYPE_DOMAIN
  0x00080000 | // EXTENDED_SESSIONSECURITY
  0x00800000 | // TARGET_INFO
  0x02000000 | // VERSION
  0x20000000 | // 128
  0x40000000 | // KEY_EXCH
  0x80000000; // 56

const utf16 = (text: string) => Buffer.from(text, "utf16le");

function avPair(id: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(id, 0);
  header.writeUInt16LE(value.length, 2);
  return Buffer.concat([header, value]);
}

/** FILETIME: 100 ns ticks since 1601-01-01. */
function fileTimeNow(): Buffer {
  const ticks = (BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n;
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(ticks);
  return out;
}

export function buildChallenge(serverChallenge: Buffer, domain: string): Buffer {
  const targetName = utf16(domain);
  const targetInfo = Buffer.concat([
    avPair(2, utf16(domain)), // MsvAvNbDomainName
    avPair(1, utf16("MAILSRV")), // MsvAvNbComputerName
    avPair(4, utf16(`${domain.toLowerCase()}.test`)), // MsvAvDnsDomainName
    avPair(3, utf16(`mailsrv.${domain.toLowerCase()}.test`)), // MsvAvDnsComputerName
    avPair(7, fileTimeNow()), // MsvAvTimestamp
    avPair(0, Buffer.alloc(0)), // MsvAvEOL
  ]);
  const header = Buffer.alloc(56);
  header.write("NTLMSSP\0", 0, "latin1");
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(targetName.length, 12);
  header.writeUInt16LE(targetName.length, 14);
  header.writeUInt32LE(56, 16);
  header.writeUInt32LE(FLAGS >>> 0, 20);
  serverChallenge.copy(header, 24);
  header.writeUInt16LE(targetInfo.length, 40);
  header.writeUInt16LE(targetInfo.length, 42);
  header.writeUInt32LE(56 + targetName.length, 44);
  Buffer.from([10, 0, 0x4f, 0x45, 0, 0, 0, 15]).copy(header, 48); // Version 10.0.20303, rev 15
  return Buffer.concat([header, targetName, targetInfo]);
}

interface Authenticate {
  ntResponse: Buffer;
  domain: string;
  user: string;
  unicode: boolean;
}

function field(message: Buffer, offset: number): Buffer {
  const length = message.readUInt16LE(offset);
  const start = message.readUInt32LE(offset + 4);
  if (start + length > message.length) throw new Error("field out of range");
  return message.subarray(start, start + length);
}

export function parseAuthenticate(message: Buffer): Authenticate {
  if (
    message.length < 64 ||
    message.toString("latin1", 0, 8) !== "NTLMSSP\0" ||
    message.readUInt32LE(8) !== 3
  ) {
    throw new Error("not an AUTHENTICATE_MESSAGE");
  }
  const flags = message.readUInt32LE(60);
  const unicode = (flags & 1) !== 0;
  const text = (bytes: Buffer) => bytes.toString(unicode ? "utf16le" : "latin1");
  return {
    ntResponse: Buffer.from(field(message, 20)),
    domain: text(field(message, 28)),
    user: text(field(message, 36)),
    unicode,
  };
}

/** MS-NLMP 3.3.2: NTOWFv2 and NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge || temp). */
function verifyNtlmV2(auth: Authenticate, serverChallenge: Buffer, password: string): boolean {
  if (auth.ntResponse.length < 48) return false;
  const ntHash = Buffer.from(jsMd4.arrayBuffer(utf16(password)));
  const ntowf = createHmac("md5", ntHash)
    .update(utf16(auth.user.toUpperCase() + auth.domain))
    .digest();
  const temp = auth.ntResponse.subarray(16);
  const proof = createHmac("md5", ntowf)
    .update(Buffer.concat([serverChallenge, temp]))
    .digest();
  return proof.equals(auth.ntResponse.subarray(0, 16));
}

function ntlmToken(request: IncomingMessage): Buffer | undefined {
  const match = /^NTLM\s+(\S+)/i.exec(request.headers.authorization ?? "");
  return match?.[1] ? Buffer.from(match[1], "base64") : undefined;
}

export function createNtlmHandler(options: NtlmServerOptions): { handler: Handler; stats: NtlmServerStats } {
  const stats: NtlmServerStats = { negotiates: 0, authenticates: 0, failures: 0, authenticatedRequests: 0 };
  const authenticated = new WeakSet<Socket>();
  const pending = new WeakMap<Socket, Buffer>();
  /** Reads the request body first, so the connection stays usable for the next leg. */
  const deny = async (request: IncomingMessage, response: ServerResponse, challenge?: Buffer) => {
    await readBody(request);
    response.writeHead(401, {
      "www-authenticate": challenge ? `NTLM ${challenge.toString("base64")}` : "NTLM",
      "content-type": "text/plain",
    });
    response.end("unauthorized");
  };
  const answerOk: Handler = async (request, response) => {
    await readBody(request);
    response.end("ok");
  };
  const serveAuthenticated: Handler = options.onAuthenticated ?? answerOk;
  const handshake = async (request: IncomingMessage, response: ServerResponse, socket: Socket) => {
    const token = ntlmToken(request);
    if (authenticated.has(socket) && token === undefined) {
      stats.authenticatedRequests++;
      return serveAuthenticated(request, response);
    }
    if (!token) return deny(request, response);
    const type =
      token.length >= 12 && token.toString("latin1", 0, 8) === "NTLMSSP\0" ? token.readUInt32LE(8) : 0;
    if (type === 1) {
      stats.negotiates++;
      authenticated.delete(socket);
      const serverChallenge = randomBytes(8);
      pending.set(socket, serverChallenge);
      return deny(request, response, buildChallenge(serverChallenge, options.domain));
    }
    const serverChallenge = pending.get(socket);
    pending.delete(socket);
    if (type !== 3 || !serverChallenge) {
      stats.failures++;
      return deny(request, response);
    }
    stats.authenticates++;
    let ok = false;
    try {
      const auth = parseAuthenticate(token);
      const rightUser = auth.user.toLowerCase() === options.username.toLowerCase();
      if (options.lenientV1 && auth.ntResponse.length === 24) ok = rightUser;
      else ok = rightUser && verifyNtlmV2(auth, serverChallenge, options.password);
    } catch {
      ok = false;
    }
    if (!ok) {
      stats.failures++;
      return deny(request, response);
    }
    authenticated.add(socket);
    stats.authenticatedRequests++;
    return serveAuthenticated(request, response);
  };
  /**
   * An already-authenticated connection costs one WeakSet lookup and nothing else, as on
   * IIS; the benchmark compares against the same `onAuthenticated` behind no auth at all.
   */
  const handler: Handler = (request, response) => {
    const socket = request.socket;
    if (request.headers.authorization === undefined && authenticated.has(socket)) {
      stats.authenticatedRequests++;
      return serveAuthenticated(request, response);
    }
    return handshake(request, response, socket);
  };
  return { handler, stats };
}
