import { type MailwireError, throwIfAborted } from "@mailwire/core";
import type { Pop3BulkBufferOptions, Pop3RetrievedBuffer } from "./client.js";
import { type Pop3DecodedReply, RetrReplyDecoder } from "./codec/retr-reply-decoder.js";
import type { CommandChannel } from "./command-channel.js";
import { errorFromStatus } from "./errors.js";

const RETR_CONTEXT = { command: "RETR" } as const;

/** What retrieveBuffers checks when the iteration starts: the message numbers and the window. */
export interface BulkPlan {
  readonly numbers: readonly number[];
  readonly window: number;
}

/**
 * Pipelined RETR with each body collected into a Buffer (retrieveManyBuffers). `plan` runs
 * when the iteration starts (its errors reject the first next()), then the channel is owned
 * until the iteration ends. One async generator, not one wrapped in another: each layer
 * costs promises per message. The replies are framed by RetrReplyDecoder straight from
 * the socket chunks, many per chunk, inside one raw read of the transport: the timer, abort
 * listener and flow control are set up once per batch of replies, not per message, and the
 * generator awaits only when no decoded reply is waiting.
 *
 * Up to `window` commands are in flight (RFC 2449 §6.6), refilled a quarter window at a
 * time in one write; the decoded replies not yet yielded count against the window, so
 * memory stays within window × maxMessageBytes. An -ERR reply throws its typed error when
 * its turn comes; stopping early (break, an error) reads and drops the replies still owed,
 * so the connection stays in step.
 */
export async function* retrieveBuffers(
  channel: CommandChannel,
  plan: () => BulkPlan,
  options: Pop3BulkBufferOptions,
): AsyncGenerator<Pop3RetrievedBuffer, void, undefined> {
  const { numbers, window } = plan();
  const connection = channel.connection;
  const count = numbers.length;
  const burst = Math.max(1, Math.floor(window / 4));
  const decoder = new RetrReplyDecoder({
    maxBodyBytes: options.maxMessageBytes,
    onStatusLine: (line) => connection.traceLine(line),
  });
  // Everything that can throw on bad arguments runs before the channel is taken.
  const release = await channel.acquire(options.signal);
  const readOptions = {
    signal: options.signal,
    timeoutMs: silenceLimit(options),
    what: "pipelined RETR replies",
  };
  /** Decoded replies from `head` on are not yet yielded. */
  const ready: (Pop3DecodedReply | undefined)[] = [];
  let head = 0;
  let sent = 0;
  let decoded = 0;
  let yielded = 0;
  let reading = false;
  let failure: MailwireError | undefined;
  let wake: (() => void) | undefined;

  const consume = (chunk: Uint8Array): number => {
    const before = ready.length;
    const end = decoder.decode(chunk, 0, ready as Pop3DecodedReply[], sent - decoded);
    decoded += ready.length - before;
    if (wake && ready.length > before) {
      wake();
      wake = undefined;
    }
    // Every reply owed so far is in: end the read; the rest of the chunk is not ours.
    return decoded === sent ? end : -1;
  };
  const settled = (error?: MailwireError): void => {
    reading = false;
    if (error) failure = error;
    wake?.();
    wake = undefined;
  };
  const startRead = (): void => {
    reading = true;
    connection.readRaw(consume, readOptions).then(
      () => settled(),
      (error: MailwireError) => settled(error),
    );
  };
  /** Waits until a reply is decoded or the read ended (failure set on an error). */
  const nextEvent = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  try {
    while (yielded < count) {
      if (window - (sent - yielded) >= burst && sent < count) {
        const from = sent;
        sent = Math.min(count, yielded + window);
        const lines: string[] = [];
        // The numbers were checked by plan() (checkMessageNumber): no encoding needed.
        for (let index = from; index < sent; index++) lines.push(`RETR ${numbers[index]}`);
        await channel.sendMany(lines, options);
      }
      while (head === ready.length) {
        if (failure) throw failure;
        throwIfAborted(options.signal);
        if (!reading) startRead();
        await nextEvent();
      }
      const reply = ready[head] as Pop3DecodedReply;
      ready[head++] = undefined;
      if (head === ready.length) {
        ready.length = 0;
        head = 0;
      }
      const messageNumber = numbers[yielded++] as number;
      if (!reply.ok) throw errorFromStatus(reply.status, RETR_CONTEXT);
      yield { messageNumber, body: reply.body };
    }
  } finally {
    // Replies still owed (the caller stopped early, or an -ERR was thrown): read and drop them.
    while (decoded < sent && !failure) {
      if (!reading) startRead();
      await nextEvent();
    }
    // Out of step after a failure: nothing more can be read on this connection.
    if (decoded < sent) connection.destroy();
    release();
  }
}

/**
 * A pipelined download has no quiet gap between replies for a separate reply timeout to
 * measure, so one silence limit covers both: the longer of timeoutMs and idleTimeoutMs when
 * both are given, the one given otherwise, else the connection's idle timeout.
 */
function silenceLimit(options: Pop3BulkBufferOptions): number | undefined {
  const { timeoutMs, idleTimeoutMs } = options;
  if (timeoutMs === undefined) return idleTimeoutMs;
  if (idleTimeoutMs === undefined) return timeoutMs;
  return Math.max(timeoutMs, idleTimeoutMs);
}
