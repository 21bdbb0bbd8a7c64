// Runnable from the repository: npx tsx packages/ews/examples/sim-demo.ts
// Starts exchange-sim (loopback HTTPS, NTLM), lists the Inbox, reads one message's MIME as a
// stream, marks it read and syncs the change.
import { startSim } from "@mailwire/exchange-sim";
import { createEwsClient } from "../src/index.js";

await using sim = await startSim({ fixture: { messageCount: 60, largeMessageBytes: 0 } });
await using client = createEwsClient({
  url: new URL("/EWS/Exchange.asmx", sim.url),
  credentials: {
    username: sim.credentials.username,
    password: sim.credentials.password,
    domain: sim.credentials.domain,
  },
  tls: { ca: sim.caPem },
});

const inbox = await client.getFolder("inbox");
console.log(
  `${inbox.displayName}: ${inbox.totalCount} messages, ${inbox.unreadCount} unread (server ${client.version})`,
);

const { syncState } = await drain(client, undefined);
let first: { id: string } | undefined;
for await (const item of client.findItems("inbox", {
  pageSize: 25,
  maxItems: 5,
  shape: { baseShape: "Default" },
})) {
  first ??= item.itemId;
  console.log(`- ${item.dateTimeReceived} ${item.from?.emailAddress ?? "?"}: ${item.subject}`);
}
if (first === undefined) throw new Error("empty Inbox");

let bytes = 0;
for await (const chunk of await client.downloadMime(first)) bytes += (chunk as Buffer).length;
console.log(`MIME of ${first.id}: ${bytes} bytes, streamed`);

await client.markRead([first], true);
const changes = await client.syncFolderItems("inbox", { syncState });
console.log(
  "changes since the first sync:",
  changes.changes.map((c) => c.type),
);

async function drain(ews: typeof client, state: string | undefined) {
  let current = state;
  for (;;) {
    const result = await ews.syncFolderItems("inbox", { syncState: current, maxChangesReturned: 512 });
    current = result.syncState;
    if (result.includesLastItemInRange) return { syncState: current };
  }
}
