import { ErrorCode } from "@mailwire/core";
import { RpcHttpError } from "../rpc-http-error.js";
import { MAX_PADDING } from "./limits.js";
import { ClientAddressType, COOKIE_SIZE, RtsCommandType, type RtsCommandTypeName } from "./rts-constants.js";

// The fifteen RTS commands of [MS-RPCH] 2.2.3.5: a 4-byte CommandType, then the fields.

/** Commands whose body is one little-endian u32. */
export type RtsNumberCommand = {
  type:
    | "ReceiveWindowSize"
    | "ConnectionTimeout"
    | "ChannelLifetime"
    | "ClientKeepalive"
    | "Version"
    | "Destination"
    | "PingTrafficSentNotify";
  value: number;
};

export type RtsCommand =
  | RtsNumberCommand
  /** 2.2.3.5.2 + 2.2.3.4: what the receiver has taken in, and how much more it can take. */
  | { type: "FlowControlAck"; bytesReceived: number; availableWindow: number; channelCookie: Uint8Array }
  /** 2.2.3.5.4: a 16-byte RTS cookie (virtual connection or channel). */
  | { type: "Cookie"; cookie: Uint8Array }
  /** 2.2.3.5.13: a 16-byte association group cookie. */
  | { type: "AssociationGroupId"; cookie: Uint8Array }
  | { type: "Empty" }
  | { type: "NegativeANCE" }
  | { type: "ANCE" }
  /** 2.2.3.5.9: ConformanceCount bytes that mean nothing (senders zero them). */
  | { type: "Padding"; length: number }
  /** 2.2.3.5.12 + 2.2.3.2: 4 bytes (IPv4) or 16 bytes (IPv6), then 12 bytes of padding. */
  | { type: "ClientAddress"; address: Uint8Array };

const NUMBER_COMMANDS: ReadonlySet<RtsCommandTypeName> = new Set([
  "ReceiveWindowSize",
  "ConnectionTimeout",
  "ChannelLifetime",
  "ClientKeepalive",
  "Version",
  "Destination",
  "PingTrafficSentNotify",
]);

const TYPE_NAMES: readonly RtsCommandTypeName[] = (() => {
  const names: RtsCommandTypeName[] = [];
  for (const [name, value] of Object.entries(RtsCommandType)) names[value] = name as RtsCommandTypeName;
  return names;
})();

/** 2.2.3.2: the ClientAddress structure ends with 12 bytes of padding. */
const CLIENT_ADDRESS_PADDING = 12;

/** Encoded size of one command, CommandType included. */
export function commandSize(command: RtsCommand): number {
  switch (command.type) {
    case "FlowControlAck":
      return 4 + 8 + COOKIE_SIZE;
    case "Cookie":
    case "AssociationGroupId":
      return 4 + COOKIE_SIZE;
    case "Empty":
    case "NegativeANCE":
    case "ANCE":
      return 4;
    case "Padding":
      return 8 + command.length;
    case "ClientAddress":
      return 8 + command.address.length + CLIENT_ADDRESS_PADDING;
    default:
      return 8;
  }
}

function invalid(message: string): RpcHttpError {
  return new RpcHttpError(message, { code: ErrorCode.PROTOCOL });
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw invalid(`${what} is not a u32`);
}

function checkCookie(cookie: Uint8Array, what: string): void {
  if (cookie.length !== COOKIE_SIZE) throw invalid(`${what} must be ${COOKIE_SIZE} bytes`);
}

/** Writes `command` at `offset`; returns the offset after it. The caller sized `view` with commandSize. */
export function writeCommand(view: DataView, bytes: Uint8Array, offset: number, command: RtsCommand): number {
  view.setUint32(offset, RtsCommandType[command.type], true);
  let at = offset + 4;
  switch (command.type) {
    case "FlowControlAck":
      checkU32(command.bytesReceived, "FlowControlAck.BytesReceived");
      checkU32(command.availableWindow, "FlowControlAck.AvailableWindow");
      checkCookie(command.channelCookie, "FlowControlAck.ChannelCookie");
      view.setUint32(at, command.bytesReceived, true);
      view.setUint32(at + 4, command.availableWindow, true);
      bytes.set(command.channelCookie, at + 8);
      return at + 8 + COOKIE_SIZE;
    case "Cookie":
    case "AssociationGroupId":
      checkCookie(command.cookie, command.type);
      bytes.set(command.cookie, at);
      return at + COOKIE_SIZE;
    case "Empty":
    case "NegativeANCE":
    case "ANCE":
      return at;
    case "Padding":
      if (!Number.isInteger(command.length) || command.length < 0 || command.length > MAX_PADDING)
        throw invalid("Padding.ConformanceCount is out of range");
      view.setUint32(at, command.length, true);
      at += 4;
      bytes.fill(0, at, at + command.length);
      return at + command.length;
    case "ClientAddress": {
      const { address } = command;
      if (address.length !== 4 && address.length !== 16) throw invalid("ClientAddress must be 4 or 16 bytes");
      view.setUint32(at, address.length === 4 ? ClientAddressType.IPv4 : ClientAddressType.IPv6, true);
      at += 4;
      bytes.set(address, at);
      at += address.length;
      bytes.fill(0, at, at + CLIENT_ADDRESS_PADDING);
      return at + CLIENT_ADDRESS_PADDING;
    }
    default:
      checkU32(command.value, command.type);
      view.setUint32(at, command.value, true);
      return at + 4;
  }
}

/**
 * Reads one command at `offset`, never past `end`. Returns the command and the offset after
 * it; a truncated or unknown command is an RpcHttpError (MW_PARSE).
 */
export function readCommand(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  end: number,
): { command: RtsCommand; next: number } {
  const need = (count: number, at: number, what: string) => {
    if (at + count > end) throw new RpcHttpError(`truncated RTS ${what} command`, { code: ErrorCode.PARSE });
  };
  need(4, offset, "CommandType");
  const typeValue = view.getUint32(offset, true);
  const type = TYPE_NAMES[typeValue];
  if (type === undefined) {
    throw new RpcHttpError("unknown RTS command type", {
      code: ErrorCode.PARSE,
      details: { commandType: typeValue },
    });
  }
  let at = offset + 4;
  if (NUMBER_COMMANDS.has(type)) {
    need(4, at, type);
    return { command: { type, value: view.getUint32(at, true) } as RtsNumberCommand, next: at + 4 };
  }
  switch (type) {
    case "FlowControlAck":
      need(8 + COOKIE_SIZE, at, type);
      return {
        command: {
          type,
          bytesReceived: view.getUint32(at, true),
          availableWindow: view.getUint32(at + 4, true),
          channelCookie: bytes.slice(at + 8, at + 8 + COOKIE_SIZE),
        },
        next: at + 8 + COOKIE_SIZE,
      };
    case "Cookie":
    case "AssociationGroupId":
      need(COOKIE_SIZE, at, type);
      return { command: { type, cookie: bytes.slice(at, at + COOKIE_SIZE) }, next: at + COOKIE_SIZE };
    case "Empty":
    case "NegativeANCE":
    case "ANCE":
      return { command: { type }, next: at };
    case "Padding": {
      need(4, at, type);
      const length = view.getUint32(at, true);
      at += 4;
      if (length > MAX_PADDING) {
        throw new RpcHttpError("RTS Padding longer than 0xFFFF", { code: ErrorCode.PARSE });
      }
      need(length, at, type);
      return { command: { type, length }, next: at + length };
    }
    default: {
      // ClientAddress
      need(4, at, type);
      const addressType = view.getUint32(at, true);
      at += 4;
      const size =
        addressType === ClientAddressType.IPv4 ? 4 : addressType === ClientAddressType.IPv6 ? 16 : -1;
      if (size < 0) {
        throw new RpcHttpError("unknown ClientAddress AddressType", {
          code: ErrorCode.PARSE,
          details: { addressType },
        });
      }
      need(size + CLIENT_ADDRESS_PADDING, at, type);
      return {
        command: { type: "ClientAddress", address: bytes.slice(at, at + size) },
        next: at + size + CLIENT_ADDRESS_PADDING,
      };
    }
  }
}
