import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { type PropertyName, readPropertyName, writePropertyName } from "../data/property-name.js";
import type { Request, Response, RopDefinition } from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

/** RopGetPropertyIdsFromNames Flags (MS-OXCPRPT 2.2.12.1): create missing mappings. */
export const GetPropertyIdsFromNamesFlags = {
  Create: 0x02,
} as const;

function readIds(reader: ByteReader): number[] {
  const offset = reader.offset;
  const count = reader.u16();
  if (count * 2 > reader.remaining) throw new ParseError(`PropertyIdCount ${count} cannot fit`, { offset });
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(reader.u16());
  return ids;
}

function writeIds(writer: ByteWriter, ids: readonly number[]): void {
  if (ids.length > 0xffff) throw new InvalidArgumentError("At most 65535 property IDs");
  writer.u16(ids.length);
  for (const id of ids) writer.u16(id);
}

function readNames(reader: ByteReader): PropertyName[] {
  const offset = reader.offset;
  const count = reader.u16();
  // Each PropertyName is at least its Kind byte.
  if (count > reader.remaining) throw new ParseError(`PropertyNameCount ${count} cannot fit`, { offset });
  const names: PropertyName[] = [];
  for (let i = 0; i < count; i++) names.push(readPropertyName(reader));
  return names;
}

function writeNames(writer: ByteWriter, names: readonly PropertyName[]): void {
  if (names.length > 0xffff) throw new InvalidArgumentError("At most 65535 property names");
  writer.u16(names.length);
  for (const name of names) writePropertyName(writer, name);
}

/** Success, or ecWarnWithErrors when some names could not be mapped: both carry the list. */
function hasList(returnValue: number): boolean {
  return returnValue === RopReturnValue.Success || returnValue === RopReturnValue.WarnWithErrors;
}

export type RopGetPropertyIdsFromNamesRequest = Request<
  "RopGetPropertyIdsFromNames",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly flags: number;
    readonly propertyNames: readonly PropertyName[];
  }
>;

/** RopGetPropertyIdsFromNames (MS-OXCROPS 2.2.8.1). */
export const ropGetPropertyIdsFromNames: RopDefinition<
  RopGetPropertyIdsFromNamesRequest,
  Response<"RopGetPropertyIdsFromNames", { readonly propertyIds?: readonly number[] }>
> = {
  name: "RopGetPropertyIdsFromNames",
  ropId: RopId.RopGetPropertyIdsFromNames,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex).u8(r.flags);
    writeNames(writer, r.propertyNames);
  },
  readRequest(reader) {
    const head = { logonId: reader.u8(), inputHandleIndex: reader.u8(), flags: reader.u8() };
    return { rop: "RopGetPropertyIdsFromNames", ...head, propertyNames: readNames(reader) };
  },
  response: {
    read(reader, header) {
      if (!hasList(header.returnValue)) return { rop: "RopGetPropertyIdsFromNames", ...header };
      return { rop: "RopGetPropertyIdsFromNames", ...header, propertyIds: readIds(reader) };
    },
    write(writer, r) {
      if (hasList(r.returnValue)) writeIds(writer, r.propertyIds ?? []);
    },
  },
};

export type RopGetNamesFromPropertyIdsRequest = Request<
  "RopGetNamesFromPropertyIds",
  { readonly logonId: number; readonly inputHandleIndex: number; readonly propertyIds: readonly number[] }
>;

/** RopGetNamesFromPropertyIds (MS-OXCROPS 2.2.8.2). */
export const ropGetNamesFromPropertyIds: RopDefinition<
  RopGetNamesFromPropertyIdsRequest,
  Response<"RopGetNamesFromPropertyIds", { readonly propertyNames?: readonly PropertyName[] }>
> = {
  name: "RopGetNamesFromPropertyIds",
  ropId: RopId.RopGetNamesFromPropertyIds,
  writeRequest(writer, r) {
    writer.u8(r.logonId).u8(r.inputHandleIndex);
    writeIds(writer, r.propertyIds);
  },
  readRequest(reader) {
    const head = { logonId: reader.u8(), inputHandleIndex: reader.u8() };
    return { rop: "RopGetNamesFromPropertyIds", ...head, propertyIds: readIds(reader) };
  },
  response: {
    read(reader, header) {
      if (!hasList(header.returnValue)) return { rop: "RopGetNamesFromPropertyIds", ...header };
      return { rop: "RopGetNamesFromPropertyIds", ...header, propertyNames: readNames(reader) };
    },
    write(writer, r) {
      if (hasList(r.returnValue)) writeNames(writer, r.propertyNames ?? []);
    },
  },
};
