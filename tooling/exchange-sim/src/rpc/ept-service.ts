import { uuidBytes, uuidText } from "./co-pdu.js";
import type { CallResult } from "./emsmdb-service.js";
import { NdrIn, NdrOut } from "./ndr.js";

// The endpoint mapper's ept_map (C706 appendix O, opnum 3) for the interfaces the simulator
// serves: the answer is an ncacn_ip_tcp tower (C706 appendix L) naming the RPC port.

export const EPMAPPER_UUID = "e1af8308-5d1f-11c9-91a4-08002b14a0fa";
const EPT_S_NOT_REGISTERED = 0x16c9a0d6;

function tower(uuid: string, major: number, minor: number, port: number): Buffer {
  const floor = (lhs: Buffer, rhs: Buffer) => {
    const head = Buffer.alloc(2);
    head.writeUInt16LE(lhs.length);
    const rhsHead = Buffer.alloc(2);
    rhsHead.writeUInt16LE(rhs.length);
    return Buffer.concat([head, lhs, rhsHead, rhs]);
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return b;
  };
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  return Buffer.concat([
    u16(5),
    floor(Buffer.concat([Buffer.from([0x0d]), uuidBytes(uuid), u16(major)]), u16(minor)),
    floor(
      Buffer.concat([Buffer.from([0x0d]), uuidBytes("8a885d04-1ceb-11c9-9fe8-08002b104860"), u16(2)]),
      u16(0),
    ),
    floor(Buffer.from([0x0b]), u16(0)),
    floor(Buffer.from([0x07]), portBytes),
    floor(Buffer.from([0x09]), Buffer.from([127, 0, 0, 1])),
  ]);
}

/** ept_map: one tower when the interface asked for is in `registered`, else ept_s_not_registered. */
export function eptMap(stub: Buffer, registered: Map<string, number>): CallResult {
  const ndr = new NdrIn(stub);
  if (ndr.u32() !== 0) ndr.take(16); // object
  if (ndr.u32() === 0) return { fault: 0x6f7 };
  ndr.u32(); // max_count of the conformant twr_t
  const asked = ndr.take(ndr.u32());
  ndr.handle();
  const maxTowers = ndr.u32();
  // Floor 1's lhs: count (2), lhs length (2), 0x0d, UUID (16), major (2); rhs: length (2), minor (2).
  const uuid = asked.length >= 27 ? uuidText(asked.subarray(5, 21)) : "";
  const port = registered.get(uuid);
  const out = new NdrOut().handle(Buffer.alloc(20));
  if (port === undefined || maxTowers < 1) {
    out.u32(0).u32(maxTowers).u32(0).u32(0).u32(EPT_S_NOT_REGISTERED);
    return { stub: out.finish() };
  }
  const major = asked.readUInt16LE(21);
  const minor = asked.readUInt16LE(25);
  const answer = tower(uuid, major, minor, port);
  out.u32(1).u32(maxTowers).u32(0).u32(1).referent();
  out.u32(answer.length).u32(answer.length).bytes(answer).align(4).u32(0);
  return { stub: out.finish() };
}
