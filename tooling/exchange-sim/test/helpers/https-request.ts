import type { IncomingHttpHeaders } from "node:http";
import { Agent, request as httpsRequest } from "node:https";

export interface SimResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Each WWW-Authenticate header separately (Node joins repeated headers in `headers`). */
  challenges: string[];
  /** Local port of the socket, to tell connections apart. */
  localPort: number | undefined;
}

/** One keep-alive connection at most, so successive requests share a socket like an NTLM client's. */
export function singleConnectionAgent(caPem: string): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, ca: caPem });
}

export function simRequest(
  url: string,
  options: { agent: Agent; headers?: Record<string, string>; method?: string; body?: string },
): Promise<SimResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { agent: options.agent, method: options.method ?? "GET", headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            challenges: res.headersDistinct["www-authenticate"] ?? [],
            localPort: res.socket?.localPort,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

export const challengesOf = (response: SimResponse): string[] => response.challenges;
