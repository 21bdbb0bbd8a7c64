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
  outR1A6,
  outR1A10,
  outR2A2,
  outR2A6,
  outR2B3,
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

/**
 * Bytes an OUT channel keeps free once data stops going on it: OUT_R2/A2, A6 and B3 (84 bytes),
 * and the pings, flow control acks and IN_R2/A4s written while the successor opens.
 */
const OUT_RESERVE = 4096;

interface OutSide {
  socket: Socket;
  cookie: string;
  /** Body bytes written so far; never more than the Content-Length (outChannelLifetime). */
  written: number;
}

/**
 * OUT channel recycling ([MS-RPCH] 3.2.4.x): OUT_R2 (one proxy keeps the virtual connection)
 * or, with outRecycleMode "R1", OUT_R1, where the successor is already the OUT channel but
 * carries no data until the client's OUT_R1/A11 arrives on its request body ("A11").
 */
type OutRecycle =
  | { step: "A3" }
  | { step: "A7"; successor: { socket: Socket; cookie: string; window: number } }
  | { step: "A11" };

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
  out: OutSide | undefined;
  #outRecycle: OutRecycle | undefined;
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
    this.#writeHead(socket);
    this.out = { socket, cookie: pdu.commands[2]?.cookie ?? "", written: 0 };
    this.#target = target;
    this.#outWindow = pdu.commands[3]?.value ?? 0;
    this.#outAvailable = this.#outWindow;
    socket.on("close", () => {
      if (this.out?.socket === socket) this.close("OUT channel closed");
    });
    const settings = this.#env.settings();
    this.writeOut(connA3(settings.connectionTimeoutMs));
    if (settings.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => this.writeOut(ping()), settings.pingIntervalMs);
      this.#pingTimer.unref();
    }
    this.#maybeConnect();
  }

  /** [MS-RPCH] 3.2.4.5.1: "200 Success", application/rpc, a large Content-Length streamed forever. */
  #writeHead(socket: Socket): void {
    const lifetime = this.#env.settings().outChannelLifetime;
    socket.write(
      `HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\nContent-Length: ${lifetime}\r\n\r\n`,
    );
  }

  /**
   * OUT_R2/A3 opened a successor OUT channel ([MS-RPCH] 3.2.4.5.6.1). The server's OUT_R2/A5
   * reaches the client as OUT_R2/A6 on the predecessor; the successor gets no bytes (not even
   * its 200 head) until the client's OUT_R2/A7 makes it the default channel.
   */
  attachOutSuccessor(socket: Socket, pdu: WirePdu): void {
    const predecessorCookie = pdu.commands[2]?.cookie ?? "";
    if (!this.out || this.#outRecycle?.step !== "A3" || this.out.cookie !== predecessorCookie) {
      socket.destroy();
      this.protocolError("OUT_R2/A3 without a pending recycling of the named OUT channel");
      return;
    }
    const fault = this.#env.settings().outRecycleFault;
    if (fault === "drop-successor") {
      socket.destroy();
      return;
    }
    const successor = { socket, cookie: pdu.commands[3]?.cookie ?? "", window: pdu.commands[4]?.value ?? 0 };
    this.#outRecycle = { step: "A7", successor };
    socket.on("close", () => {
      if (this.#outRecycle?.step === "A7" && this.#outRecycle.successor.socket === socket) {
        this.close("successor OUT channel closed");
      } else if (this.out?.socket === socket) this.close("OUT channel closed");
    });
    if (fault === "ignore-successor") return;
    if (fault === "flood-successor") {
      // A misbehaving proxy: 40 KB of pings on the successor before it is the OUT channel.
      this.#writeHead(socket);
      socket.write(Buffer.concat(Array.from({ length: 2048 }, () => ping())));
    }
    const settings = this.#env.settings();
    this.writeOut(settings.outRecycleMode === "R1" ? outR1A6(settings.connectionTimeoutMs) : outR2A6());
  }

  /**
   * OUT_R1/A7 on the IN channel (the server's OUT_R1/A9 folded in): OUT_R1/A10 ends the
   * predecessor, the successor gets its 200 head and becomes the OUT channel, and data waits
   * for the client's OUT_R1/A11 on the successor's request body ([MS-RPCH] 2.2.4.33).
   */
  #switchOutR1(successorCookie: string): void {
    const recycle = this.#outRecycle;
    const predecessor = this.out;
    if (recycle?.step !== "A7" || recycle.successor.cookie !== successorCookie || !predecessor) {
      this.protocolError("OUT_R1/A7 names no pending successor OUT channel");
      return;
    }
    this.writeOut(outR1A10());
    predecessor.socket.end();
    this.#outRecycle = { step: "A11" };
    this.#adoptSuccessor(recycle.successor);
  }

  /** The successor gets its 200 head and becomes the OUT channel, with fresh flow control. */
  #adoptSuccessor({ socket, cookie, window }: { socket: Socket; cookie: string; window: number }): void {
    this.#writeHead(socket);
    this.out = { socket, cookie, written: 0 };
    this.#outWindow = window;
    this.#outAvailable = window;
    this.#outSent = 0;
    this.#env.stats.recycledOutChannels += 1;
  }

  /** A PDU in an OUT channel's request body after its first one: only OUT_R1/A11 is due there. */
  fromOutBody(socket: Socket, bytes: Buffer): void {
    if (this.#closed) return;
    let shape = "";
    try {
      shape = shapeOf(readRts(bytes));
    } catch {
      // not an RTS PDU: reported below
    }
    if (shape !== CLIENT_SHAPES.outR1A11 || this.#outRecycle?.step !== "A11" || this.out?.socket !== socket) {
      this.protocolError(`unexpected PDU on an OUT channel's request body (${shape || "not RTS"})`);
      return;
    }
    this.#outRecycle = undefined;
    this.#flushOut();
  }

  /** Data stops on the current OUT channel; the client is asked for a successor (OUT_R2/A2). */
  #startOutRecycle(): void {
    if (this.#outRecycle) return;
    this.#outRecycle = { step: "A3" };
    this.writeOut(outR2A2());
  }

  /**
   * OUT_R2/A7 on the IN channel (the server's OUT_R2/B1 folded in, [MS-RPCH] 3.2.4.5.10 B1W):
   * OUT_R2/B3 ends the predecessor, the successor gets its 200 head and becomes the default
   * OUT channel with fresh flow control, and the held PDUs go out on it.
   */
  #switchOut(successorCookie: string): void {
    const recycle = this.#outRecycle;
    const predecessor = this.out;
    if (recycle?.step !== "A7" || recycle.successor.cookie !== successorCookie || !predecessor) {
      this.protocolError("OUT_R2/A7 names no pending successor OUT channel");
      return;
    }
    const lateB3 = this.#env.settings().outRecycleFault === "late-b3";
    if (!lateB3) this.writeOut(outR2B3());
    this.#outRecycle = undefined;
    this.#adoptSuccessor(recycle.successor);
    if (lateB3) {
      // Fault: the successor's head and data reach the client before the predecessor's last
      // PDU, as two TCP connections may; the client must still deliver in order.
      this.#flushOut();
      setTimeout(() => predecessor.socket.end(outR2B3()), 200).unref();
      return;
    }
    predecessor.socket.end();
    this.#flushOut();
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
    const r1 = this.#env.settings().outRecycleMode === "R1";
    if (shape === CLIENT_SHAPES.outR2A7 || shape === CLIENT_SHAPES.outR1A7) {
      if (pdu.commands[0]?.value !== RTS.destination.server) {
        this.protocolError("OUT_R1/A7 or OUT_R2/A7 for another destination");
        return;
      }
      if ((shape === CLIENT_SHAPES.outR1A7) !== r1) {
        this.protocolError(`${r1 ? "OUT_R2/A7" : "OUT_R1/A7"} in an ${r1 ? "OUT_R1" : "OUT_R2"} recycling`);
        return;
      }
      if (r1) this.#switchOutR1(pdu.commands[1]?.cookie ?? "");
      else this.#switchOut(pdu.commands[1]?.cookie ?? "");
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
    const lifetime = this.#env.settings().outChannelLifetime;
    while (this.#outQueue.length > 0 && this.out) {
      const next = this.#outQueue[0] as Buffer;
      // Data stops at OUT_R2/A2 and waits for the successor; it never crosses the Content-Length.
      if (this.#outRecycle || this.out.written + next.length > lifetime - OUT_RESERVE) {
        this.#startOutRecycle();
        break;
      }
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
    if (this.out.written + bytes.length > this.#env.settings().outChannelLifetime) {
      this.protocolError("OUT channel lifetime used up before recycling completed");
      return;
    }
    this.out.written += bytes.length;
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
    if (this.#outRecycle?.step === "A7") this.#outRecycle.successor.socket.destroy();
    this.#backend?.destroy();
    this.#env.forget(this);
  }
}
