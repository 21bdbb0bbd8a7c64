import { ByteReader, ByteWriter, LimitExceededError, ParseError } from "@mailwire/core";
import { NDR_TRANSFER_SYNTAX, type SyntaxId } from "../dcerpc/constants.js";
import { uuidFromBytes, uuidToBytes } from "../dcerpc/uuid.js";

// Protocol towers (C706 appendix L, "Protocol Tower Encoding"): a floor count, then floors of
// (lhs length, lhs, rhs length, rhs), lengths little-endian. For ncacn_ip_tcp the floors are
// the interface, the transfer syntax, RPC connection-oriented (0x0b), TCP port (0x07, port
// big-endian) and IP address (0x09, 4 bytes in network order).

export const TowerProtocol = {
  uuid: 0x0d,
  rpcConnectionOriented: 0x0b,
  tcp: 0x07,
  ip: 0x09,
} as const;

/** A tower floor count or floor length larger than any real tower. */
const MAX_FLOORS = 8;

export interface TcpTower {
  readonly interface: SyntaxId;
  readonly port: number;
  /** Dotted IPv4 address; "0.0.0.0" when the client leaves it to the mapper. */
  readonly address: string;
}

function uuidFloor(writer: ByteWriter, syntax: SyntaxId): void {
  writer.u16(19).u8(TowerProtocol.uuid).bytes(uuidToBytes(syntax.uuid)).u16(syntax.major);
  writer.u16(2).u16(syntax.minor);
}

/** The tower of an interface reachable over ncacn_ip_tcp at address:port. */
export function encodeTcpTower(tower: TcpTower): Uint8Array {
  const writer = new ByteWriter(80);
  writer.u16(5);
  uuidFloor(writer, tower.interface);
  uuidFloor(writer, NDR_TRANSFER_SYNTAX);
  writer.u16(1).u8(TowerProtocol.rpcConnectionOriented).u16(2).u16(0);
  writer.u16(1).u8(TowerProtocol.tcp).u16(2).u16be(tower.port);
  const octets = tower.address.split(".").map((part) => Number(part) & 0xff);
  writer
    .u16(1)
    .u8(TowerProtocol.ip)
    .u16(4)
    .bytes(Uint8Array.from(octets.length === 4 ? octets : [0, 0, 0, 0]));
  return writer.finish().slice();
}

export interface TowerFloor {
  readonly lhs: Uint8Array;
  readonly rhs: Uint8Array;
}

export function decodeTowerFloors(bytes: Uint8Array): TowerFloor[] {
  const reader = new ByteReader(bytes);
  const count = reader.u16();
  if (count > MAX_FLOORS) {
    throw new LimitExceededError(`A tower with ${count} floors`, { limit: "towerFloors", max: MAX_FLOORS });
  }
  const floors: TowerFloor[] = [];
  for (let i = 0; i < count; i++) {
    const lhs = reader.bytesCopy(reader.u16());
    const rhs = reader.bytesCopy(reader.u16());
    floors.push({ lhs, rhs });
  }
  return floors;
}

/** Reads an ncacn_ip_tcp tower; undefined when it describes another protocol sequence. */
export function decodeTcpTower(bytes: Uint8Array): TcpTower | undefined {
  const floors = decodeTowerFloors(bytes);
  const first = floors[0];
  if (first?.lhs.length !== 19 || first.lhs[0] !== TowerProtocol.uuid || first.rhs.length < 2) {
    throw new ParseError("A tower without an interface floor");
  }
  const major = (first.lhs[17] as number) | ((first.lhs[18] as number) << 8);
  const minor = (first.rhs[0] as number) | ((first.rhs[1] as number) << 8);
  const syntax: SyntaxId = { uuid: uuidFromBytes(first.lhs, 1), major, minor };
  const tcp = floors.find((floor) => floor.lhs[0] === TowerProtocol.tcp && floor.rhs.length === 2);
  if (!tcp) return undefined;
  const ip = floors.find((floor) => floor.lhs[0] === TowerProtocol.ip && floor.rhs.length === 4);
  return {
    interface: syntax,
    port: ((tcp.rhs[0] as number) << 8) | (tcp.rhs[1] as number),
    address: ip ? [...ip.rhs].join(".") : "0.0.0.0",
  };
}
