import { createSocket } from "node:dgram";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import * as dnsPacket from "dns-packet";

export type DnsAnswer =
  | { type: "SRV"; target: string; port: number; priority?: number; weight?: number }
  | { type: "A"; address: string };

export interface DnsZone {
  /** Answers by lower-case name and type, e.g. zone.set("_autodiscover._tcp.x.test SRV", [...]). */
  records: Map<string, DnsAnswer[]>;
  /** Names whose queries get no reply at all (a timeout). */
  silent: Set<string>;
}

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, random port) for the tests: answers SRV and
 * A from `zone`, says NXDOMAIN for names it has nothing for, and never answers `silent` names.
 * Records every question it got.
 */
export async function startDnsServer() {
  const zone: DnsZone = { records: new Map(), silent: new Set() };
  const questions: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (question === undefined) return;
    const name = question.name.toLowerCase();
    questions.push(`${name} ${question.type}`);
    if (zone.silent.has(name)) return;
    const answers = zone.records.get(`${name} ${question.type}`) ?? [];
    const known = [...zone.records.keys()].some((key) => key.startsWith(`${name} `));
    const reply = dnsPacket.encode({
      id: query.id,
      type: "response",
      // RD copied, AA set; RCODE 3 (NXDOMAIN) when the name does not exist at all.
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3) | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED),
      questions: [question],
      answers: answers.map((answer) =>
        answer.type === "SRV"
          ? {
              type: "SRV" as const,
              name: question.name,
              ttl: 60,
              data: {
                target: answer.target,
                port: answer.port,
                priority: answer.priority ?? 0,
                weight: answer.weight ?? 0,
              },
            }
          : { type: "A" as const, name: question.name, ttl: 60, data: answer.address },
      ),
    });
    socket.send(reply, remote.port, remote.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const port = (socket.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    zone,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
