import { type ByteReader, type ByteWriter, InvalidArgumentError } from "@mailwire/core";

/**
 * A GUID in its canonical lower-case text form. On the wire (MS-OXCDATA 2.5.1 FlatUID and
 * [MS-DTYP] GUID) Data1, Data2 and Data3 are little-endian and Data4 is a byte string, so
 * "00020329-0000-0000-c000-000000000046" is sent as 29 03 02 00 00 00 00 00 c0 00 ... 46.
 */
export type Guid = string;

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hexByte(value: number): string {
  return value.toString(16).padStart(2, "0");
}

export function guidFromBytes(bytes: Uint8Array): Guid {
  if (bytes.length !== 16) throw new InvalidArgumentError(`A GUID is 16 bytes, got ${bytes.length}`);
  const b = (i: number): string => hexByte(bytes[i] as number);
  return (
    `${b(3)}${b(2)}${b(1)}${b(0)}-${b(5)}${b(4)}-${b(7)}${b(6)}-` +
    `${b(8)}${b(9)}-${b(10)}${b(11)}${b(12)}${b(13)}${b(14)}${b(15)}`
  );
}

export function guidToBytes(guid: Guid): Uint8Array {
  const text = guid.toLowerCase().replace(/^\{|\}$/g, "");
  if (!GUID_PATTERN.test(text)) throw new InvalidArgumentError(`Not a GUID: ${guid}`);
  const hex = text.replaceAll("-", "");
  const raw = Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  // Reverse the three little-endian groups.
  return Uint8Array.from([
    raw[3] as number,
    raw[2] as number,
    raw[1] as number,
    raw[0] as number,
    raw[5] as number,
    raw[4] as number,
    raw[7] as number,
    raw[6] as number,
    ...raw.subarray(8),
  ]);
}

export function readGuid(reader: ByteReader): Guid {
  return guidFromBytes(reader.bytesView(16));
}

export function writeGuid(writer: ByteWriter, guid: Guid): void {
  writer.bytes(guidToBytes(guid));
}
