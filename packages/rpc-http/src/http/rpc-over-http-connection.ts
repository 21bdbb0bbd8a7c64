import { randomBytes } from "node:crypto";
import {
  ClosedError,
  ConnectionError,
  deadline,
  ErrorCode,
  isMailwireError,
  TimeoutError,
  throwIfAborted,
  toAbortError,
} from "@mailwire/core";
import type { TransportCallOptions } from "@mailwire/mapi";
import { RpcHttpError } from "../rpc-http-error.js";
import { MAX_PDU_SIZE } from "../rts/limits.js";
import { PduFramer } from "../rts/pdu-framer.js";
import { ForwardDestination } from "../rts/rts-constants.js";
import { decodeRtsPdu, isRtsPdu, type RtsPdu } from "../rts/rts-pdu.js";
import {
  connA1,
  connB1,
  flowControlAckWithDestination,
  inR1A1,
  inR2A5,
  matchRtsPdu,
  numberAt,
  outR1A3,
  outR1A7,
  outR1A11,
  outR2A7,
  ping,
} from "../rts/rts-pdus.js";
import type { PduTransport } from "../transport/pdu-transport.js";
import { ChannelBody } from "./channel-body.js";
import {
  channelClient,
  channelUrl,
  type InChannel,
  type OutChannel,
  openInChannel,
  openOutChannel,
} from "./http-channels.js";
import type { RpcOverHttpOptions } from "./rpc-over-http-options.js";

const DEFAULTS = {
  connectMs: 30_000,
  receiveWindow: 64 * 1024,
  channelLifetime: 1024 * 1024 * 1024,
  keepAliveMs: 300_000,
} as const;

/**
 * Bytes kept free at the end of an IN channel's Content-Length for what must still go on it
 * once recycling starts: IN_R2/A5 (40 bytes), and acks and pings sent meanwhile.
 */
const RECYCLE_RESERVE = 4096;

const randomCookie = () => new Uint8Array(randomBytes(16));
const sameCookie = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

type Waiter = { resolve: () => void; reject: (error: Error) => void };

/**
 * OUT channel recycling in progress ([MS-RPCH] 3.2.2.5.x): the successor is open (or opening)
 * and we wait, on the predecessor, for OUT_R2/A6 or OUT_R1/A6 ("A6"), then for OUT_R2/B3
 * ("B3", the same outbound proxy keeps the virtual connection) or OUT_R1/A10 ("A10", the
 * successor reached another outbound proxy).
 */
interface OutRecycle {
  successor: OutChannel;
  step: "A6" | "B3" | "A10";
  timer: NodeJS.Timeout;
}

/** [MS-RPCH] 2.1.2.1.2: the Content-Length of a replacement OUT channel (OUT_R1/A3 + OUT_R1/A11). */
const REPLACEMENT_OUT_CONTENT_LENGTH = 120;

/**
 * The client end of an RPC over HTTP v2 virtual connection ([MS-RPCH] 3.2.2): an IN channel
 * carrying the client's PDUs and an OUT channel carrying the server's, with flow control in
 * both directions, keep-alive pings and IN channel recycling. RTS PDUs stay in here; the
 * DCE/RPC layer above sees only its own PDUs, through PduTransport.
 */
export class RpcOverHttpConnection implements PduTransport {
  readonly #options: RpcOverHttpOptions;
  readonly #url: URL;
  readonly #lifetime = new AbortController();
  readonly #virtualConnectionCookie = randomCookie();
  readonly #receiveWindow: number;
  readonly #channelLifetime: number;
  readonly #keepAliveMs: number;
  readonly #connectMs: number;
  readonly #idleMs: number;
  readonly #maxReceivePduSize: number;
  #in: InChannel | undefined;
  /** The default OUT channel: the one whose PDUs are delivered. */
  #out: OutChannel | undefined;
  #outRecycle: OutRecycle | undefined;
  #state: "connecting" | "open" | "failed" | "closed" = "connecting";
  #failure: Error | undefined;
  #handshake: { step: "A3" | "C2"; waiter: Waiter } | undefined;
  #recycleWaiter: Waiter | undefined;
  #recycling: Promise<void> | undefined;
  #sendChain: Promise<void> = Promise.resolve();
  // IN direction flow control ([MS-RPCH] 3.2.1.4.1): the inbound proxy's window from CONN/C2.
  #inWindow = 0;
  #inAvailable = 0;
  #inDataSent = 0;
  #windowWaiters: Waiter[] = [];
  // OUT direction: our window, and what the DCE/RPC layer has taken so far.
  #outConsumed = 0;
  #outAcked = 0;
  /** Data bytes received on the OUT channel so far (consumed or still queued). */
  #outReceived = 0;
  #received: Uint8Array[] = [];
  #receiveWaiters: Waiter[] = [];
  #pingTimer: NodeJS.Timeout | undefined;
  #lastInWrite = Date.now();
  #maxPduSize = MAX_PDU_SIZE;

  constructor(options: RpcOverHttpOptions) {
    this.#options = options;
    this.#url = channelUrl(options.proxyUrl, options.server, options.port);
    this.#receiveWindow = checkRange(
      options.receiveWindow ?? DEFAULTS.receiveWindow,
      8 * 1024,
      256 * 1024,
      "receiveWindow",
    );
    this.#channelLifetime = checkRange(
      options.channelLifetime ?? DEFAULTS.channelLifetime,
      128 * 1024,
      0x80000000,
      "channelLifetime",
    );
    this.#keepAliveMs = checkRange(
      options.keepAliveMs ?? DEFAULTS.keepAliveMs,
      100,
      0xffffffff,
      "keepAliveMs",
    );
    this.#connectMs = options.timeouts?.connectMs ?? DEFAULTS.connectMs;
    this.#idleMs = options.timeouts?.idleMs ?? this.#keepAliveMs * 2;
    this.#maxReceivePduSize = options.maxReceivePduSize ?? MAX_PDU_SIZE;
  }

  /** Largest PDU `send` takes: a u16 frag_length, and never more than the inbound proxy's window. */
  get maxPduSize(): number {
    return this.#maxPduSize;
  }

  /** Runs the handshake of [MS-RPCH] 3.2.2.4.1: CONN/A1 and CONN/B1 out, CONN/A3 and CONN/C2 back. */
  async open(): Promise<void> {
    const limit = deadline({ signal: this.#options.signal, timeoutMs: this.#connectMs, phase: "connect" });
    const onAbort = () => this.#fail(toAbortError(limit.signal));
    limit.signal.addEventListener("abort", onAbort, { once: true });
    try {
      throwIfAborted(limit.signal);
      const handshake = new Promise<void>((resolve, reject) => {
        this.#handshake = { step: "A3", waiter: { resolve, reject } };
      });
      handshake.catch(() => {});
      const signal = this.#lifetime.signal;
      const out = this.#newOutChannel();
      this.#out = out;
      const opened = openOutChannel(
        out.client,
        this.#url,
        connA1({
          virtualConnectionCookie: this.#virtualConnectionCookie,
          outChannelCookie: out.cookie,
          receiveWindowSize: this.#receiveWindow,
        }),
        this.#idleMs,
        signal,
      );
      const inCookie = randomCookie();
      this.#adoptIn(
        openInChannel(
          this.#options,
          this.#url,
          inCookie,
          connB1({
            virtualConnectionCookie: this.#virtualConnectionCookie,
            inChannelCookie: inCookie,
            channelLifetime: this.#channelLifetime,
            clientKeepalive: this.#keepAliveMs,
            associationGroupId: randomCookie(),
          }),
          this.#channelLifetime,
          this.#connectMs,
          signal,
        ),
      );
      opened.then(
        (response) => this.#readOut(out, response.body),
        (error: unknown) => this.#fail(asError(error)),
      );
      await handshake;
      this.#state = "open";
      this.#pingTimer = setInterval(() => this.#keepAlive(), Math.max(50, Math.floor(this.#keepAliveMs / 2)));
      this.#pingTimer.unref();
    } catch (error) {
      await this.#shutdown();
      throw error;
    } finally {
      limit.signal.removeEventListener("abort", onAbort);
      limit.dispose();
    }
  }

  send(pdu: Uint8Array, options: TransportCallOptions = {}): Promise<void> {
    const run = this.#sendChain.then(() => this.#send(pdu, options));
    this.#sendChain = run.catch(() => {});
    return run;
  }

  async #send(pdu: Uint8Array, options: TransportCallOptions): Promise<void> {
    throwIfAborted(options.signal);
    this.#throwIfUnusable();
    if (pdu.length > this.#maxPduSize) {
      throw new RpcHttpError("PDU larger than the transport accepts", {
        code: ErrorCode.LIMIT_EXCEEDED,
        details: { size: pdu.length, limit: this.#maxPduSize },
      });
    }
    const limit =
      options.signal !== undefined || options.timeoutMs !== undefined
        ? deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "send" })
        : undefined;
    try {
      const channel = this.#in as InChannel;
      if (channel.bytesSent + pdu.length > this.#channelLifetime - RECYCLE_RESERVE) {
        await this.#wait(this.#startRecycling(), limit?.signal);
      }
      // [MS-RPCH] 3.2.1.4.1.3: a PDU goes out only when the receiver's window has room for it.
      while (pdu.length > this.#inAvailable) {
        this.#throwIfUnusable();
        await this.#wait(
          new Promise<void>((resolve, reject) => this.#windowWaiters.push({ resolve, reject })),
          limit?.signal,
        );
      }
      this.#inAvailable -= pdu.length;
      this.#inDataSent += pdu.length;
      await this.#wait(this.#writeIn(pdu), limit?.signal);
    } finally {
      limit?.dispose();
    }
  }

  async receive(options: TransportCallOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal);
    for (;;) {
      const pdu = this.#received.shift();
      if (pdu) {
        this.#consumed(pdu.length);
        return pdu;
      }
      this.#throwIfUnusable();
      const limit =
        options.signal !== undefined || options.timeoutMs !== undefined
          ? deadline({ signal: options.signal, timeoutMs: options.timeoutMs, phase: "receive" })
          : undefined;
      try {
        await this.#wait(
          new Promise<void>((resolve, reject) => this.#receiveWaiters.push({ resolve, reject })),
          limit?.signal,
        );
      } finally {
        limit?.dispose();
      }
    }
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    if (this.#state !== "failed") this.#failure = new ClosedError("the RPC over HTTP connection is closed");
    this.#state = "closed";
    this.#rejectAll(this.#failure as Error);
    await this.#shutdown();
  }

  /** Waits for `promise`, or rejects when `signal` fires (the promise is left to settle alone). */
  #wait(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(toAbortError(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(toAbortError(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  #throwIfUnusable(): void {
    if (this.#failure) throw this.#failure;
    if (this.#state !== "open") throw new ClosedError("the RPC over HTTP connection is not open");
  }

  #adoptIn(channel: InChannel): void {
    void channel.outcome.then((error) => {
      if (!channel.retired) this.#fail(error);
    });
    this.#in = channel;
  }

  /** Writes on the current IN channel (RTS PDUs bypass flow control, 3.2.1.4.1). */
  #writeIn(bytes: Uint8Array, channel = this.#in): Promise<void> {
    if (!channel) return Promise.reject(new ClosedError("no IN channel"));
    if (channel.bytesSent + bytes.length > this.#channelLifetime) {
      // Past the announced Content-Length the proxy would read our bytes as a new request.
      return Promise.reject(new RpcHttpError("the IN channel is full", { code: ErrorCode.LIMIT_EXCEEDED }));
    }
    channel.bytesSent += bytes.length;
    this.#lastInWrite = Date.now();
    return channel.body.write(bytes);
  }

  #newOutChannel(): OutChannel {
    return {
      cookie: randomCookie(),
      client: channelClient(this.#options, this.#connectMs),
      framer: new PduFramer({ maxPduSize: this.#maxReceivePduSize }),
      held: [],
      heldBytes: 0,
      retired: false,
    };
  }

  /**
   * Reads one OUT channel's body into PDUs until it ends. A successor's PDUs are held until the
   * predecessor's last one (OUT_R2/B3) has been handled: the two are separate TCP connections, so
   * the successor's first bytes may well be read before the predecessor's last ones.
   */
  async #readOut(channel: OutChannel, body: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of body) {
        for (const pdu of channel.framer.push(chunk)) {
          if (channel.retired) return;
          if (channel === this.#out) this.#fromOut(pdu);
          else this.#hold(channel, pdu);
        }
        if (this.#failure || channel.retired) return;
      }
      if (channel.retired) return;
      this.#fail(
        new ConnectionError("the RPC proxy closed the OUT channel", { code: ErrorCode.CONNECTION_CLOSED }),
      );
    } catch (error) {
      if (channel.retired) return;
      this.#fail(
        isMailwireError(error) && error.code !== ErrorCode.ABORTED
          ? error
          : new ConnectionError("the OUT channel failed", {
              code: ErrorCode.CONNECTION_CLOSED,
              cause: error,
            }),
      );
    }
  }

  #fromOut(pdu: Uint8Array): void {
    if (!isRtsPdu(pdu)) {
      if (this.#state !== "open") {
        this.#fail(new RpcHttpError("a DCE/RPC PDU arrived before CONN/C2", { code: ErrorCode.PROTOCOL }));
        return;
      }
      // [MS-RPCH] 3.2.1.4.1: the proxy may not have more than our window outstanding beyond
      // our last acknowledgment; a proxy that does would grow the queue without bound.
      this.#outReceived += pdu.length;
      if (this.#outReceived - this.#outAcked > this.#receiveWindow) {
        this.#fail(
          new RpcHttpError("the RPC proxy overran the OUT channel receive window", {
            code: ErrorCode.LIMIT_EXCEEDED,
            details: { window: this.#receiveWindow },
          }),
        );
        return;
      }
      this.#received.push(pdu);
      this.#receiveWaiters.shift()?.resolve();
      return;
    }
    let rts: RtsPdu;
    try {
      rts = decodeRtsPdu(pdu);
    } catch (error) {
      this.#fail(asError(error));
      return;
    }
    const names = matchRtsPdu(rts);
    const handshake = this.#handshake;
    if (handshake) {
      const expected = handshake.step === "A3" ? "CONN/A3" : "CONN/C2";
      if (names.includes(expected)) {
        if (handshake.step === "A3") handshake.step = "C2";
        else {
          this.#handshake = undefined;
          this.#inWindow = numberAt(rts, 1);
          this.#inAvailable = this.#inWindow;
          this.#maxPduSize = Math.min(MAX_PDU_SIZE, this.#inWindow);
          handshake.waiter.resolve();
        }
        return;
      }
      if (!names.includes("Ping")) {
        this.#fail(
          new RpcHttpError(`expected RTS ${expected}`, {
            code: ErrorCode.PROTOCOL,
            details: { received: names },
          }),
        );
        return;
      }
      return;
    }
    if (names.includes("Ping")) return;
    if (names.includes("FlowControlAck")) {
      const command = rts.commands[0];
      // 3.2.1.5.1.1: an ack for a channel that is not ours (a retired IN channel) is dropped.
      if (
        command?.type !== "FlowControlAck" ||
        !this.#in ||
        !sameCookie(command.channelCookie, this.#in.cookie)
      )
        return;
      this.#inAvailable = command.availableWindow - (this.#inDataSent - command.bytesReceived);
      for (const waiter of this.#windowWaiters.splice(0)) waiter.resolve();
      return;
    }
    if (names.includes("IN_R2/A4") && this.#recycleWaiter) {
      const waiter = this.#recycleWaiter;
      this.#recycleWaiter = undefined;
      waiter.resolve();
      return;
    }
    if ((names.includes("OUT_R2/A2") || names.includes("OUT_R1/A2")) && !this.#outRecycle) {
      this.#startOutRecycle();
      return;
    }
    if (names.includes("OUT_R2/A6") && this.#outRecycle?.step === "A6") {
      // 3.2.2.5.x OUT_R2/A6: the server has the successor; tell it (via the inbound proxy) to switch.
      this.#outRecycle.step = "B3";
      this.#writeControl(outR2A7({ successorChannelCookie: this.#outRecycle.successor.cookie }));
      return;
    }
    if (names.includes("OUT_R1/A6") && this.#outRecycle?.step === "A6") {
      // OUT_R1/A6 (the server's A5 through the predecessor proxy): the successor landed on
      // another outbound proxy; the server is told to switch with OUT_R1/A7 on the IN channel.
      this.#outRecycle.step = "A10";
      this.#writeControl(outR1A7({ successorChannelCookie: this.#outRecycle.successor.cookie }));
      return;
    }
    if (names.includes("OUT_R2/B3") && this.#outRecycle?.step === "B3") {
      this.#switchOut();
      return;
    }
    if (names.includes("OUT_R1/A10") && this.#outRecycle?.step === "A10") {
      // OUT_R1/A10, the predecessor's last PDU: switch, then OUT_R1/A11 on the successor's
      // request body tells its proxy the virtual OUT channel is established.
      const successor = this.#outRecycle.successor;
      this.#switchOut();
      void successor.requestBody?.write(outR1A11()).catch((error: unknown) => this.#fail(asError(error)));
      return;
    }
    this.#fail(
      new RpcHttpError("unexpected RTS PDU on the OUT channel", {
        code: ErrorCode.PROTOCOL,
        details: { received: names },
      }),
    );
  }

  /** The DCE/RPC layer took a PDU: acknowledge once half our window is used (3.2.1.4.1.4). */
  #consumed(length: number): void {
    this.#outConsumed += length;
    if (this.#outConsumed - this.#outAcked < this.#receiveWindow / 2 || this.#state !== "open") return;
    this.#outAcked = this.#outConsumed;
    const ack = flowControlAckWithDestination(ForwardDestination.FDOutProxy, {
      bytesReceived: this.#outConsumed >>> 0,
      availableWindow: this.#receiveWindow,
      channelCookie: (this.#out as OutChannel).cookie,
    });
    this.#writeControl(ack);
  }

  /** One recycling at a time; every caller that needs a fresh IN channel waits on the same one. */
  #startRecycling(): Promise<void> {
    this.#recycling ??= this.#recycleIn().finally(() => {
      this.#recycling = undefined;
    });
    return this.#recycling;
  }

  /**
   * Writes an RTS PDU of our own (ack, ping). They are not flow controlled, but they do use up
   * the IN channel's Content-Length: near its end they wait for (or start) recycling, so the
   * request body never grows past what its header announced.
   */
  #writeControl(bytes: Uint8Array): void {
    const channel = this.#in;
    if (!channel) return;
    const write = () => this.#writeIn(bytes).catch(() => {});
    if (this.#recycling || channel.bytesSent + bytes.length > this.#channelLifetime - RECYCLE_RESERVE) {
      this.#startRecycling().then(write, () => {});
    } else void write();
  }

  #keepAlive(): void {
    if (this.#state !== "open" || this.#recycling) return;
    if (Date.now() - this.#lastInWrite < this.#keepAliveMs) return;
    this.#writeControl(ping());
  }

  /**
   * IN channel recycling ([MS-RPCH] 3.2.2.5.x, the IN_R2 sequence of a proxy that keeps the
   * virtual connection): IN_R1/A1 opens the successor, the proxy answers IN_R2/A4 on the OUT
   * channel, IN_R2/A5 on the predecessor hands over, and the predecessor is dropped.
   */
  async #recycleIn(): Promise<void> {
    const predecessor = this.#in as InChannel;
    const successorCookie = randomCookie();
    const answered = new Promise<void>((resolve, reject) => {
      this.#recycleWaiter = { resolve, reject };
    });
    answered.catch(() => {});
    const successor = openInChannel(
      this.#options,
      this.#url,
      successorCookie,
      inR1A1({
        virtualConnectionCookie: this.#virtualConnectionCookie,
        predecessorChannelCookie: predecessor.cookie,
        successorChannelCookie: successorCookie,
      }),
      this.#channelLifetime,
      this.#connectMs,
      this.#lifetime.signal,
    );
    // Until the hand-over the successor's failure is the recycling's failure.
    void successor.outcome.then((error) => {
      if (!successor.retired && this.#in !== successor) this.#fail(error);
    });
    const limit = deadline({ timeoutMs: this.#connectMs, phase: "recycle" });
    try {
      await this.#wait(answered, limit.signal);
    } finally {
      limit.dispose();
    }
    await this.#writeIn(inR2A5({ successorChannelCookie: successorCookie }), predecessor);
    predecessor.retired = true;
    this.#adoptIn(successor);
    // Flow control starts over on the successor (the proxy consumed all of the predecessor).
    this.#inDataSent = 0;
    this.#inAvailable = this.#inWindow;
    predecessor.body.end();
    void predecessor.client.destroy().catch(() => {});
  }

  /**
   * A successor's PDU before the switch. The proxy may send at most one window of data on it
   * (3.2.1.4.1) plus a few RTS PDUs; past that the proxy is misbehaving, not slow.
   */
  #hold(channel: OutChannel, pdu: Uint8Array): void {
    channel.heldBytes += pdu.length;
    if (channel.heldBytes > this.#receiveWindow + RECYCLE_RESERVE) {
      this.#fail(
        new RpcHttpError("the RPC proxy sent too much on the successor OUT channel before switching to it", {
          code: ErrorCode.LIMIT_EXCEEDED,
          details: { window: this.#receiveWindow },
        }),
      );
      return;
    }
    channel.held.push(pdu);
  }

  /**
   * OUT_R1/A2 or OUT_R2/A2 ([MS-RPCH] 3.2.2.5.x): open the successor OUT channel, on its own
   * authenticated connection, with OUT_R1/A3 (same bytes as OUT_R2/A3) naming the predecessor.
   * The successor's response head arrives only once the proxy has switched to it, so its failure
   * (a refusal, a drop) or a recycling that never completes fails the connection.
   */
  #startOutRecycle(): void {
    const predecessor = this.#out as OutChannel;
    const requestBody = new ChannelBody();
    const successor: OutChannel = { ...this.#newOutChannel(), requestBody };
    const timer = setTimeout(
      () =>
        this.#fail(
          new TimeoutError("the RPC proxy did not complete OUT channel recycling in time", {
            phase: "recycle",
            timeoutMs: this.#connectMs,
          }),
        ),
      this.#connectMs,
    );
    timer.unref();
    this.#outRecycle = { successor, step: "A6", timer };
    // The write fails only once the body has failed (the connection is closing, reported there).
    void requestBody
      .write(
        outR1A3({
          virtualConnectionCookie: this.#virtualConnectionCookie,
          predecessorChannelCookie: predecessor.cookie,
          successorChannelCookie: successor.cookie,
          receiveWindowSize: this.#receiveWindow,
        }),
      )
      .catch(() => {});
    openOutChannel(
      successor.client,
      this.#url,
      { stream: requestBody, contentLength: REPLACEMENT_OUT_CONTENT_LENGTH },
      this.#idleMs,
      this.#lifetime.signal,
    ).then(
      (response) => this.#readOut(successor, response.body),
      (error: unknown) => {
        if (!successor.retired) this.#fail(asError(error));
      },
    );
  }

  /**
   * OUT_R2/B3, the predecessor's last PDU: from here on the successor is the OUT channel. Its
   * held PDUs are delivered now, in order, after everything the predecessor carried; its flow
   * control starts afresh (the proxy reset its count for the new channel cookie).
   */
  #switchOut(): void {
    const recycle = this.#outRecycle as OutRecycle;
    const predecessor = this.#out as OutChannel;
    clearTimeout(recycle.timer);
    this.#outRecycle = undefined;
    predecessor.retired = true;
    void predecessor.client.destroy().catch(() => {});
    this.#out = recycle.successor;
    // Bytes still queued from the predecessor were never the successor's; they are consumed
    // first, so start the count below zero and acknowledge only successor bytes.
    let queued = 0;
    for (const pdu of this.#received) queued += pdu.length;
    this.#outReceived = 0;
    this.#outAcked = 0;
    this.#outConsumed = -queued;
    for (const pdu of recycle.successor.held.splice(0)) {
      if (this.#failure) return;
      this.#fromOut(pdu);
    }
  }

  #fail(error: Error): void {
    if (this.#failure || this.#state === "closed") return;
    this.#failure = error;
    this.#state = "failed";
    this.#rejectAll(error);
    void this.#shutdown();
  }

  #rejectAll(error: Error): void {
    this.#handshake?.waiter.reject(error);
    this.#handshake = undefined;
    this.#recycleWaiter?.reject(error);
    this.#recycleWaiter = undefined;
    if (this.#outRecycle) clearTimeout(this.#outRecycle.timer);
    for (const waiter of this.#windowWaiters.splice(0)) waiter.reject(error);
    for (const waiter of this.#receiveWaiters.splice(0)) waiter.reject(error);
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#pingTimer);
    this.#lifetime.abort(new ClosedError("the RPC over HTTP connection is closed"));
    const inChannel = this.#in;
    if (inChannel) {
      inChannel.retired = true;
      inChannel.body.fail(this.#failure ?? new ClosedError("closed"));
    }
    const outChannels = [this.#out, this.#outRecycle?.successor];
    for (const channel of outChannels) {
      if (!channel) continue;
      channel.retired = true;
      channel.requestBody?.fail(this.#failure ?? new ClosedError("closed"));
    }
    await Promise.allSettled([
      inChannel?.client.destroy(),
      ...outChannels.map((channel) => channel?.client.destroy()),
    ]);
  }
}

function checkRange(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RpcHttpError(`${name} must be an integer from ${min} to ${max}`, { code: ErrorCode.PROTOCOL });
  }
  return value;
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new ConnectionError("RPC over HTTP failed", { cause: error });
}
