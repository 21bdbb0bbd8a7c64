import { spawnSync } from "node:child_process";
import { NspiOpnum, PacketType } from "../../src/index.js";

// Runs Debian's tshark over a capture and sorts every warning- or error-level expert item into
// the divergences of Wireshark's dissectors documented in the README ("Wire check with tshark"),
// or into `unexplained`, which a test must find empty. Each rule names the exact frame shape it
// forgives; anything else (another opnum, another stub length, a warning in a frame without a
// PT_MV_UNICODE value, a TCP or NTLMSSP complaint) stays unexplained.

/** tshark's expert severities (epan/proto.h PI_WARN, PI_ERROR). */
const SEVERITY_WARN = 0x00600000;

export type KnownDivergence =
  | "nspi-mv-unicode-as-uint32"
  | "nspi-getprops-null-proptags"
  | "nspi-void-operation"
  | "rts-zero-commands";

export interface TsharkFinding {
  readonly frame: number;
  readonly packetType: number | undefined;
  readonly opnum: number | undefined;
  readonly allocHint: number | undefined;
  readonly rtsCommands: number | undefined;
  readonly mvUnicodeValues: number;
  /** tshark's Protocol column: "NSPI", "MAPI", "DCERPC", "RPCH", ... */
  readonly protocol: string;
  readonly message: string;
  readonly severity: number;
  readonly info: string;
}

export interface TsharkReport {
  readonly frames: number;
  readonly dcerpcFrames: number;
  readonly nspiFrames: number;
  readonly emsmdbFrames: number;
  readonly rtsFrames: number;
  readonly known: ReadonlyMap<KnownDivergence, TsharkFinding[]>;
  readonly unexplained: readonly TsharkFinding[];
}

// Operations nspi.idl declares `void NspiX();` (no parameters): NspiUpdateStat 2,
// NspiSeekEntries 4, NspiResortRestriction 6, NspiGetPropList 8, NspiCompareDNTs 10,
// NspiModProps 11, NspiGetTemplateInfo 13, NspiModLinkAtt 14, NspiDeleteEntries 15,
// NspiQueryColumns 16, NspiGetNamesFromIDs 17, NspiGetIDsFromNames 18, NspiResolveNames 19,
// NspiResolveNamesW 20. The client sends 4 and 20.
const NSPI_VOID_OPNUMS: ReadonlySet<number> = new Set([2, 4, 6, 8, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20]);
// NspiGetProps request with pPropTags NULL: context handle 20, dwFlags 4, STAT 36, the null
// unique pointer 4 (MS-OXNSPI 3.1.4.1.7; STAT is 9 DWORDs, 2.2.8).
const GETPROPS_NULL_PROPTAGS_STUB = 20 + 4 + 36 + 4;
const MALFORMED = "Malformed Packet (Exception occurred)";
const LONG_FRAME = "Long frame";

export function hasTshark(): boolean {
  return spawnSync("tshark", ["--version"], { encoding: "utf8" }).status === 0;
}

export function tsharkVersion(): string {
  return spawnSync("tshark", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "";
}

let columnFields: { protocol: string; info: string } | undefined;

/** Wireshark 4.2 renamed the column fields to lower case (`_ws.col.info`); 4.0 has `_ws.col.Info`. */
function columns(): { protocol: string; info: string } {
  if (!columnFields) {
    const fields = spawnSync("tshark", ["-G", "fields"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const lower = /\t_ws\.col\.info\t/.test(fields.stdout ?? "");
    columnFields = lower
      ? { protocol: "_ws.col.protocol", info: "_ws.col.info" }
      : { protocol: "_ws.col.Protocol", info: "_ws.col.Info" };
  }
  return columnFields;
}

function tshark(capture: string, dcerpcPort: number, extra: string[]): string {
  const run = spawnSync("tshark", ["-n", "-r", capture, "-d", `tcp.port==${dcerpcPort},dcerpc`, ...extra], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`tshark failed (${run.status}): ${run.stderr.slice(0, 500)}`);
  return run.stdout;
}

function count(capture: string, port: number, filter: string): number {
  return tshark(capture, port, ["-Y", filter])
    .split("\n")
    .filter((line) => line.trim() !== "").length;
}

const FIELDS = [
  "frame.number",
  "dcerpc.pkt_type",
  "dcerpc.opnum",
  "dcerpc.cn_alloc_hint",
  "dcerpc.cn_rts_commands_nb",
  "nspi.MV_UNICODE_STRUCT.cValues",
  "protocol",
  "_ws.expert.message",
  "_ws.expert.severity",
  "info",
] as const;

/** The tshark field for each entry of FIELDS (the two columns depend on the version). */
const fieldName = (name: (typeof FIELDS)[number]): string =>
  name === "protocol" ? columns().protocol : name === "info" ? columns().info : name;

function firstNumber(field: string | undefined): number | undefined {
  const first = field?.split("|")[0];
  return first === undefined || first === "" ? undefined : Number(first);
}

function parse(line: string): TsharkFinding[] {
  const columns = line.split("\t");
  const field = (name: (typeof FIELDS)[number]) => columns[FIELDS.indexOf(name)];
  const messages = (field("_ws.expert.message") ?? "").split("|");
  const severities = (field("_ws.expert.severity") ?? "").split("|").map(Number);
  const base = {
    frame: Number(field("frame.number")),
    packetType: firstNumber(field("dcerpc.pkt_type")),
    opnum: firstNumber(field("dcerpc.opnum")),
    allocHint: firstNumber(field("dcerpc.cn_alloc_hint")),
    rtsCommands: firstNumber(field("dcerpc.cn_rts_commands_nb")),
    mvUnicodeValues: (field("nspi.MV_UNICODE_STRUCT.cValues") ?? "").split("|").filter(Boolean).length,
    protocol: field("protocol") ?? "",
    info: field("info") ?? "",
  };
  return messages
    .map((message, index) => ({ ...base, message, severity: severities[index] ?? 0 }))
    .filter((finding) => finding.severity >= SEVERITY_WARN);
}

/** Which documented divergence explains a finding, if any. */
export function explain(finding: TsharkFinding): KnownDivergence | undefined {
  const nspi = finding.protocol === "NSPI";
  const { packetType, opnum, message } = finding;
  // packet-dcerpc-nspi.c dissects a PT_MV_UNICODE value as an array of uint32 and leaves the
  // strings unread, so the rest of the row set is read from the wrong offset: an exception
  // or, when the misread counts happen to fit, bytes left over.
  if (
    nspi &&
    packetType === PacketType.response &&
    (opnum === NspiOpnum.NspiQueryRows ||
      opnum === NspiOpnum.NspiGetProps ||
      opnum === NspiOpnum.NspiGetMatches) &&
    finding.mvUnicodeValues > 0 &&
    (message === MALFORMED || message === LONG_FRAME)
  )
    return "nspi-mv-unicode-as-uint32";
  // nspi.idl declares NspiGetProps' property tags a [ref] pointer; MS-OXNSPI makes it [unique]
  // and NULL means "the default columns", so a NULL request ends 4 bytes before it expects.
  if (
    nspi &&
    packetType === PacketType.request &&
    opnum === NspiOpnum.NspiGetProps &&
    finding.allocHint === GETPROPS_NULL_PROPTAGS_STUB &&
    message === MALFORMED
  )
    return "nspi-getprops-null-proptags";
  // A `void NspiX();` declaration reads no parameters, so every byte of the stub is left over.
  if (nspi && opnum !== undefined && NSPI_VOID_OPNUMS.has(opnum) && message === LONG_FRAME)
    return "nspi-void-operation";
  // packet-dcerpc.c opens the "RTS PDU: n commands" subtree with length -1 at the end of a
  // 20-byte PDU; with no command bytes left, that throws. Ping and Echo have no commands.
  if (packetType === PacketType.rts && finding.rtsCommands === 0 && message === MALFORMED)
    return "rts-zero-commands";
  return undefined;
}

/** tshark's Info column of each RTS PDU, in frame order (its RPCH dissector names known shapes). */
export function rtsInfo(capture: string, dcerpcPort: number): string[] {
  return tshark(capture, dcerpcPort, ["-Y", "dcerpc.pkt_type == 20", "-T", "fields", "-e", columns().info])
    .split("\n")
    .filter((line) => line.trim() !== "");
}

export function readCapture(capture: string, dcerpcPort: number): TsharkReport {
  const out = tshark(capture, dcerpcPort, [
    "-Y",
    `_ws.expert.severity >= ${SEVERITY_WARN}`,
    "-T",
    "fields",
    "-E",
    "separator=\t",
    "-E",
    "occurrence=a",
    "-E",
    "aggregator=|",
    ...FIELDS.flatMap((name) => ["-e", fieldName(name)]),
  ]);
  const known = new Map<KnownDivergence, TsharkFinding[]>();
  const unexplained: TsharkFinding[] = [];
  for (const line of out.split("\n")) {
    if (line.trim() === "") continue;
    for (const finding of parse(line)) {
      const reason = explain(finding);
      if (reason === undefined) unexplained.push(finding);
      else known.set(reason, [...(known.get(reason) ?? []), finding]);
    }
  }
  return {
    frames: count(capture, dcerpcPort, "frame"),
    dcerpcFrames: count(capture, dcerpcPort, "dcerpc"),
    nspiFrames: count(capture, dcerpcPort, "nspi"),
    emsmdbFrames: count(capture, dcerpcPort, "mapi"),
    rtsFrames: count(capture, dcerpcPort, "dcerpc.pkt_type == 20"),
    known,
    unexplained,
  };
}
