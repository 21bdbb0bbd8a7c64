// One timed run of one Node client, in its own process so process.cpuUsage() is that client's
// alone (client: ours | imapflow | imapflow-paged | imapflow-defaults). Reads {client, workload, host, port, ca, username, password, uids, dist} as JSON on
// stdin; prints one JSON line: seconds, cpuSeconds, messages, bytes, sha256 (downloads) or
// sizeSum/distinctUids (envelopes). Connect, TLS and login are outside the timer; opening
// INBOX is inside it for every client.
import { createHash } from "node:crypto";
import { ImapFlow } from "imapflow";

const SUMMARY_QUERY = { uid: true, flags: true, envelope: true, size: true, internalDate: true };

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function envelopesResult(summaries) {
  let sizeSum = 0;
  let withSubject = 0;
  const uids = new Set();
  for (const message of summaries) {
    sizeSum += message.size;
    uids.add(message.uid);
    if (message.envelope?.subject && message.envelope.from?.length === 1) withSubject++;
  }
  return { messages: summaries.length, sizeSum, distinctUids: uids.size, withSubject };
}

function downloadsResult(bodies) {
  const hash = createHash("sha256");
  let bytes = 0;
  for (const body of bodies) {
    hash.update(body);
    bytes += body.length;
  }
  return { messages: bodies.length, bytes, sha256: hash.digest("hex") };
}

async function ours() {
  const { connectImap } = await import(job.dist);
  const session = await connectImap({
    host: job.host,
    port: job.port,
    tls: "implicit",
    tlsOptions: { ca: job.ca },
    auth: { username: job.username, password: job.password },
  });
  try {
    return await timed(async () => {
      if (job.workload === "envelopes") {
        const out = [];
        for await (const message of session.messages("INBOX")) out.push(message);
        return out;
      }
      const out = [];
      for (const uid of job.uids) out.push(await collect(await session.download("INBOX", uid)));
      return out;
    });
  } finally {
    await session.close();
  }
}

async function imapflow() {
  const client = new ImapFlow({
    host: job.host,
    port: job.port,
    secure: true,
    tls: { ca: job.ca },
    servername: "localhost",
    auth: { user: job.username, pass: job.password },
    logger: false,
    // "imapflow": the protocol options @mailwire/imap sets (QRESYNC enabled, so every FETCH
    // response carries MODSEQ; no COMPRESS), so the difference is the wrapper's own cost.
    // "imapflow-defaults": imapflow as it comes.
    // "imapflow-paged": the same options, and the same FETCH commands as session.messages().
    ...(job.client !== "imapflow-defaults" && { qresync: true, disableCompression: true }),
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return await timed(async () => {
      const lock = await client.getMailboxLock("INBOX");
      try {
        const out = [];
        if (job.workload === "envelopes" && job.client === "imapflow-paged") return await samePages(client);
        if (job.workload === "envelopes") {
          for await (const message of client.fetch("1:*", SUMMARY_QUERY, { uid: true })) out.push(message);
          return out;
        }
        for (const uid of job.uids) {
          const { content } = await client.download(String(uid), undefined, { uid: true });
          out.push(await collect(content));
        }
        return out;
      } finally {
        lock.release();
      }
    });
  } finally {
    await client.logout();
  }
}

// What session.messages("INBOX") sends, without the wrapper: FETCH by sequence number, newest
// first, down from EXISTS in pages of 200, 400, 800, then 1,600, each page sorted by UID.
async function samePages(client) {
  const out = [];
  let size = 200;
  for (let end = client.mailbox.exists; end > 0; ) {
    const from = Math.max(1, end - size + 1);
    const page = [];
    for await (const message of client.fetch(`${from}:${end}`, SUMMARY_QUERY, { uid: true }))
      page.push(message);
    page.sort((a, b) => b.uid - a.uid);
    for (const message of page) out.push(message);
    end = from - 1;
    size = Math.min(1600, size * 2);
  }
  return out;
}

async function timed(work) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const checked = job.workload === "envelopes" ? envelopesResult(out) : downloadsResult(out);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, ...checked };
}

const result = job.client === "ours" ? await ours() : await imapflow();
process.stdout.write(`${JSON.stringify(result)}\n`);
