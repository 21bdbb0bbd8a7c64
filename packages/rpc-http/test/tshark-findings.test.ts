import { describe, expect, it } from "vitest";
import { explain, type TsharkFinding } from "./tshark/tshark-findings.js";

// The wire check forgives exactly the documented dissector divergences; these pin each rule's
// bounds so a near miss (another opnum, another stub length, a PDU with commands) stays a failure.

const MALFORMED = "Malformed Packet (Exception occurred)";
const base: TsharkFinding = {
  frame: 1,
  packetType: 2,
  opnum: 3,
  allocHint: 1000,
  rtsCommands: undefined,
  mvUnicodeValues: 1,
  protocol: "NSPI",
  message: MALFORMED,
  severity: 0x00800000,
  info: "",
};

describe("tshark findings: what the documented divergences cover", () => {
  it("a NspiQueryRows/NspiGetProps/NspiGetMatches response is forgiven only when tshark decoded a PT_MV_UNICODE arm in it", () => {
    expect(explain(base)).toBe("nspi-mv-unicode-as-uint32");
    expect(explain({ ...base, opnum: 9, message: "Long frame" })).toBe("nspi-mv-unicode-as-uint32");
    expect(explain({ ...base, mvUnicodeValues: 0 })).toBeUndefined();
    expect(explain({ ...base, packetType: 0 })).toBeUndefined();
    expect(explain({ ...base, opnum: 7 })).toBeUndefined();
    expect(explain({ ...base, protocol: "MAPI" })).toBeUndefined();
  });

  it("NspiGetProps request: only the 64-byte stub of a NULL pPropTags", () => {
    const request = { ...base, packetType: 0, opnum: 9, allocHint: 64, mvUnicodeValues: 0 };
    expect(explain(request)).toBe("nspi-getprops-null-proptags");
    expect(explain({ ...request, allocHint: 84 })).toBeUndefined();
    expect(explain({ ...request, message: "Long frame" })).toBeUndefined();
  });

  it("operations nspi.idl declares void: a long frame, never a malformed one", () => {
    const resolve = { ...base, packetType: 0, opnum: 20, mvUnicodeValues: 0, message: "Long frame" };
    expect(explain(resolve)).toBe("nspi-void-operation");
    expect(explain({ ...resolve, opnum: 4, packetType: 2 })).toBe("nspi-void-operation");
    expect(explain({ ...resolve, message: MALFORMED })).toBeUndefined();
    expect(explain({ ...resolve, opnum: 7 })).toBeUndefined();
  });

  it("RTS: a malformed PDU is forgiven only without commands", () => {
    const rts = { ...base, protocol: "DCERPC", packetType: 20, opnum: undefined, rtsCommands: 0 };
    expect(explain(rts)).toBe("rts-zero-commands");
    expect(explain({ ...rts, rtsCommands: 1 })).toBeUndefined();
    expect(explain({ ...rts, message: "Long frame" })).toBeUndefined();
  });

  it("anything else, e.g. a TCP or NTLMSSP complaint, is unexplained", () => {
    expect(
      explain({
        ...base,
        protocol: "TCP",
        packetType: undefined,
        opnum: undefined,
        message: "Previous segment not captured",
      }),
    ).toBeUndefined();
  });
});
