// A minimal authoritative DNS server on 127.0.0.1 for the bench (the tests have the same in
// TypeScript): SRV and A answers from a map (keys "name TYPE"); a name the map has under another
// type gets an empty NOERROR answer (NODATA, so getaddrinfo's AAAA query does not turn an A
// record into "no such host"), any other name NXDOMAIN. `port` 53 in the bench's namespace.
import { createSocket } from "node:dgram";
import { once } from "node:events";
import dnsPacket from "dns-packet";

export async function startLoopbackDns(records, { host = "127.0.0.1", port = 0 } = {}) {
  const names = new Set([...records.keys()].map((key) => key.split(" ")[0]));
  const socket = createSocket("udp4");
  socket.on("message", (message, remote) => {
    let query;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const answers = records.get(`${question.name.toLowerCase()} ${question.type}`) ?? [];
    const reply = dnsPacket.encode({
      id: query.id,
      type: "response",
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        (answers.length === 0 && !names.has(question.name.toLowerCase()) ? 3 : 0),
      questions: [question],
      answers: answers.map((data) => ({ type: question.type, name: question.name, ttl: 60, data })),
    });
    socket.send(reply, remote.port, remote.address);
  });
  socket.bind(port, host);
  await once(socket, "listening");
  return { server: `${host}:${socket.address().port}`, close: () => socket.close() };
}
