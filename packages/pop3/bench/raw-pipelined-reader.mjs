// The limit: a POP3 download with nothing but node:tls, a USER/PASS login, RETR commands
// pipelined in a window, and a scan for CRLF "." CRLF. No unstuffing, no streams, no
// promises per message, no copies of the bodies: whatever @mailwire/pop3 spends above this
// is the cost of being a client.
import { isIP } from "node:net";
import { connect } from "node:tls";

const LF = 0x0a;
const TERMINATOR = Buffer.from("\r\n.\r\n");
const CRLF = Buffer.from("\r\n");

function openTls({ host, port, ca }) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca, servername: isIP(host) ? undefined : host });
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Reads single status lines during login (before the timed part). */
function statusReader(socket) {
  let buffered = Buffer.alloc(0);
  const waiting = [];
  const onData = (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let lf = buffered.indexOf(LF); lf !== -1 && waiting.length > 0; lf = buffered.indexOf(LF)) {
      const line = buffered.subarray(0, lf - 1).toString("latin1");
      buffered = buffered.subarray(lf + 1);
      waiting.shift()(line);
    }
  };
  socket.on("data", onData);
  return {
    next: () => new Promise((resolve) => waiting.push(resolve)),
    detach: () => {
      socket.off("data", onData);
      if (buffered.length > 0) throw new Error("unexpected bytes after login");
    },
  };
}

async function expectOk(reader, what) {
  const line = await reader.next();
  if (!line.startsWith("+OK")) throw new Error(`raw reader: ${what} answered ${line}`);
}

/**
 * Logs in, then downloads messages 1..count with `window` RETRs in flight. Resolves with
 * { messages, bytes, seconds, cpuSeconds } where bytes are the body octets (stuffed, as on the wire:
 * the bench messages have no dot-lines, so that equals the stored size).
 */
export async function rawDownload({ host, port, ca, username, password, count, window }) {
  const socket = await openTls({ host, port, ca });
  socket.setNoDelay(true);
  const login = statusReader(socket);
  await expectOk(login, "greeting");
  socket.write(`USER ${username}\r\n`);
  await expectOk(login, "USER");
  socket.write(`PASS ${password}\r\n`);
  await expectOk(login, "PASS");
  login.detach();

  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await new Promise((resolve, reject) => {
    let sent = 0;
    let messages = 0;
    let bytes = 0;
    let position = 0; // absolute offset of the current chunk's first byte
    let inBody = false;
    let bodyStart = 0; // absolute offset of the first body byte
    let tail = CRLF; // up to 4 body-region bytes before the current chunk
    let statusFirstByte = -1;
    const sendMore = () => {
      let commands = "";
      while (sent < count && sent - messages < window) commands += `RETR ${++sent}\r\n`;
      if (commands) socket.write(commands);
    };
    const finishMessage = (endAbsolute) => {
      bytes += endAbsolute - bodyStart - 3; // minus "." CRLF; the CRLF before "." is body
      messages++;
      inBody = false;
      statusFirstByte = -1;
      if (messages === count) {
        socket.off("data", onData);
        resolve({ messages, bytes });
      } else sendMore();
    };
    const onData = (chunk) => {
      let index = 0;
      while (index < chunk.length && messages < count) {
        if (!inBody) {
          if (statusFirstByte === -1) statusFirstByte = chunk[index];
          const lf = chunk.indexOf(LF, index);
          if (lf === -1) break;
          if (statusFirstByte !== 0x2b) return reject(new Error("raw reader: RETR answered -ERR"));
          inBody = true;
          bodyStart = position + lf + 1;
          index = lf + 1;
          tail = CRLF;
        }
        // The terminator may straddle the previous chunk (or the status line's CRLF).
        const head = Buffer.concat([tail, chunk.subarray(index, index + 4)]);
        const straddle = head.indexOf(TERMINATOR);
        if (straddle !== -1 && straddle < tail.length) {
          index += straddle + 5 - tail.length;
          finishMessage(position + index);
          continue;
        }
        const found = chunk.indexOf(TERMINATOR, index);
        if (found !== -1) {
          index = found + 5;
          finishMessage(position + index);
          continue;
        }
        tail =
          chunk.length - index >= 4
            ? chunk.subarray(-4)
            : Buffer.concat([tail, chunk.subarray(index)]).subarray(-4);
        index = chunk.length;
      }
      position += chunk.length;
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("raw reader: connection closed")));
    sendMore();
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  socket.write("QUIT\r\n");
  socket.end();
  socket.destroy();
  return { ...result, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
