import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { PduSplitter } from "./byte-framing.js";
import type { RpcProxySettings, RpcProxyStats } from "./rpc-proxy-settings.js";
import {
  CLIENT_SHAPES,
  connA3,
  connC2,
  flowControlAck,
  inR2A4,
  ping,
  RTS,
  readRts,
  shapeOf,
  type WirePdu,
} from "./rts-wire.js";

// One virtual connection as the inbound proxy, outbound proxy and RPC server see it together
// ([MS-RPCH] 3.2.3–3.2.5 folded into one process): the IN channel's PDUs go to the backend,
// the backend's PDUs come back on the OUT channel, under both directions' flow control.

export interface InSide {
  socket: Socket;
  cookie: string;
  /** PDUs that arrived on a successor IN channel before the predecessor handed over (IN_R2/A5). */
  queued: Buffer[];
}

export interface VcEnvironment {
  settings: () => Required<Omit<RpcProxySettings, "backend">> & Pick<RpcProxySettings, "backend">;
  stats: RpcProxyStats;
  isStalled: () => boolean;
  forget: (vc: ProxyVirtualConnection) => void;
}

export class ProxyVirtualConnection {
  readonly cookie: string;
  readonly #env: VcEnvironment;
  in: InSide | undefined;
  successor: InSide | undefined;
  out: { socket: Socket; cookie: string } | undefined;
  #target = { server: "", port: 0 };
  #backend: Duplex | undefined;
  #backendReady = false;
  #pendingToBackend: Buffer[] = [];
  #outWindow = 0;
  #outAvailable = 0;
  #outSent = 0;
  #outQueue: Buffer[] = [];
  #stalledBytes: Buffer[] = [];
  #inReceived = 0;
  #inAcked = 0;
  #pingTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(cookie: string, env: VcEnvironment) {
    this.cookie = cookie;
    this.#env = env;
    env.stats.virtualConnections += 1;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** CONN/A1 arrived on a new OUT channel (the 200 head is already written). */
  attachOut(socket: Socket, pdu: WirePdu, target: { server: string; port: number }): void {
    if (this.out) {
      this.protocolError("second OUT channel for one virtual connection");
      return;
    }
    this.out = { socket, cookie: pdu.commands[2]?.cookie ?? "" };
    this.#target = target;
    this.#outWindow = pdu.commands[3]?.value ?? 0;
    this.#outAvailable = this.#outWindow;
    socket.on("close", () => this.close("OUT channel closed"));
    const settings = this.#env.settings();
    this.writeOut(connA3(settings.connectionTimeoutMs));
    if (settings.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => this.writeOut(ping()), settings.pingIntervalMs);
      this.#pingTimer.unref();
    }
    this.#maybeConnect();
  }

  /** CONN/B1 opened the IN channel. */
  attachIn(side: InSide): void {
    if (this.in) {
      this.protocolError("second CONN/B1 for one virtual connection");
      return;
    }
    this.in = side;
    side.socket.on("close", () => {
      if (this.in === side) this.close("IN channel closed");
    });
    this.#maybeConnect();
  }

  /** IN_R1/A1 opened a successor IN channel ([MS-RPCH] 3.2.3.5.5): answer IN_R2/A4 on the OUT channel. */
  attachSuccessor(side: InSide, predecessorCookie: string): void {
    if (!this.in || this.in.cookie !== predecessorCookie || this.successor) {
      side.socket.destroy();
      this.protocolError("IN_R1/A1 does not name the current IN channel");
      return;
    }
    this.successor = side;
    side.socket.on("close", () => {
      if (this.successor === side) this.successor = undefined;
      else if (this.in === side) this.close("IN channel closed");
    });
    this.writeOut(inR2A4());
  }

  /** A PDU from an IN channel (after the channel's first PDU). */
  fromIn(side: InSide, pdu: Buffer): void {
    if (this.#closed) return;
    if (side === this.successor) {
      side.queued.push(pdu);
      return;
    }
    if (side !== this.in) return;
    if (pdu[2] === RTS.ptype) {
      this.#rtsFromIn(pdu);
      return;
    }
    const window = this.#env.settings().inReceiveWindow;
    this.#inReceived += pdu.length;
    const unacked = this.#inReceived - this.#inAcked;
    const stats = this.#env.stats;
    stats.dataPdusIn += 1;
    stats.maxUnackedInBytes = Math.max(stats.maxUnackedInBytes, unacked);
    if (unacked > window) {
      this.protocolError("the client overran the IN channel receive window");
      return;
    }
    if (this.#backendReady) this.#backend?.write(pdu);
    else this.#pendingToBackend.push(pdu);
    // [MS-RPCH] 3.2.1.4.1.4: acknowledge once half the window has been consumed.
    if (unacked >= window / 2) {
      this.#inAcked = this.#inReceived;
      stats.flowControlAcksSent += 1;
      this.writeOut(flowControlAck(this.#inReceived, window, this.in.cookie));
    }
  }

  #rtsFromIn(bytes: Buffer): void {
    let pdu: WirePdu;
    try {
      pdu = readRts(bytes);
    } catch (error) {
      this.protocolError(`bad RTS PDU on the IN channel: ${(error as Error).message}`);
      return;
    }
    const shape = shapeOf(pdu);
    if (shape === CLIENT_SHAPES.ping) {
      this.#env.stats.pingsReceived += 1;
      return;
    }
    if (shape === CLIENT_SHAPES.ackWithDestination) {
      const ack = pdu.commands[1]?.ack;
      if (pdu.commands[0]?.value !== RTS.destination.outProxy || !ack) {
        this.protocolError("FlowControlAck for another destination");
        return;
      }
      this.#env.stats.flowControlAcksReceived += 1;
      if (ack.cookie !== this.out?.cookie) return; // 3.2.1.5.1.1: unknown channel, discard
      this.#outAvailable = ack.availableWindow - (this.#outSent - ack.bytesReceived);
      this.#flushOut();
      return;
    }
    if (shape === CLIENT_SHAPES.inR2A5) {
      this.#handOver(pdu.commands[0]?.cookie ?? "");
      return;
    }
    this.protocolError(`unexpected RTS PDU on the IN channel (${shape})`);
  }

  /** IN_R2/A5 on the predecessor: the successor becomes the IN channel, with fresh flow control. */
  #handOver(successorCookie: string): void {
    const successor = this.successor;
    const predecessor = this.in;
    if (!successor || successor.cookie !== successorCookie || !predecessor) {
      this.protocolError("IN_R2/A5 names no pending successor");
      return;
    }
    this.in = successor;
    this.successor = undefined;
    this.#inReceived = 0;
    this.#inAcked = 0;
    this.#env.stats.recycledInChannels += 1;
    predecessor.socket.destroy();
    const queued = successor.queued.splice(0);
    for (const pdu of queued) this.fromIn(successor, pdu);
  }

  #maybeConnect(): void {
    if (this.#backend || !this.in || !this.out) return;
    const backend = this.#env.settings().backend;
    if (!backend) {
      this.close("no backend");
      return;
    }
    const socket =
      typeof backend === "function"
        ? backend(this.#target)
        : connect({ host: backend.host, port: backend.port });
    this.#backend = socket;
    const splitter = new PduSplitter();
    socket.on("data", (chunk: Buffer) => {
      let pdus: Buffer[];
      try {
        pdus = splitter.push(chunk);
      } catch (error) {
        this.protocolError(`backend: ${(error as Error).message}`);
        return;
      }
      for (const pdu of pdus) this.#toOut(pdu);
    });
    socket.on("error", () => this.close("backend failed"));
    socket.on("close", () => this.close("backend closed"));
    const ready = () => {
      this.#backendReady = true;
      for (const pdu of this.#pendingToBackend.splice(0)) socket.write(pdu);
      const settings = this.#env.settings();
      this.writeOut(connC2(settings.inReceiveWindow, settings.connectionTimeoutMs));
    };
    if ((socket as Socket).connecting) socket.once("connect", ready);
    else ready();
  }

  /** A backend PDU for the client, held back while the client's receive window is used up. */
  #toOut(pdu: Buffer): void {
    this.#outQueue.push(pdu);
    this.#flushOut();
  }

  #flushOut(): void {
    while (this.#outQueue.length > 0) {
      const next = this.#outQueue[0] as Buffer;
      if (next.length > this.#outAvailable && !this.#env.settings().ignoreClientWindow) break;
      this.#outQueue.shift();
      this.#outAvailable -= next.length;
      this.#outSent += next.length;
      this.#env.stats.dataPdusOut += 1;
      this.writeOut(next);
    }
    const stats = this.#env.stats;
    stats.maxQueuedOutPdus = Math.max(stats.maxQueuedOutPdus, this.#outQueue.length);
    if (this.#outQueue.length > 0) this.#backend?.pause();
    else this.#backend?.resume();
  }

  writeOut(bytes: Buffer): void {
    if (!this.out || this.#closed) return;
    if (this.#env.isStalled()) this.#stalledBytes.push(bytes);
    else this.out.socket.write(bytes);
  }

  /** Writes what a stall held back. */
  unstall(): void {
    for (const bytes of this.#stalledBytes.splice(0)) this.out?.socket.write(bytes);
  }

  protocolError(message: string): void {
    this.#env.stats.protocolErrors.push(message);
    this.close(message);
  }

  close(_reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pingTimer);
    this.in?.socket.destroy();
    this.successor?.socket.destroy();
    this.out?.socket.destroy();
    this.#backend?.destroy();
    this.#env.forget(this);
  }
}
