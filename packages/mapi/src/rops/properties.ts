import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import {
  type PropertyProblem,
  readPropertyProblems,
  writePropertyProblems,
} from "../data/property-problem.js";
import { type PropertyRow, readPropertyRow, writePropertyRow } from "../data/property-row.js";
import type { PropertyTag } from "../data/property-tag.js";
import {
  readTaggedPropertyValue,
  type TaggedPropertyValue,
  writeTaggedPropertyValue,
} from "../data/property-value.js";
import { type Request, type Response, type RopDefinition, schemaRop } from "./rop-definition.js";
import { RopId, RopReturnValue } from "./rop-id.js";

export type RopGetPropertiesSpecificRequest = Request<
  "RopGetPropertiesSpecific",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly propertySizeLimit: number;
    readonly wantUnicode: number;
    readonly propertyTags: readonly PropertyTag[];
  }
>;

const specificBase = schemaRop(
  "RopGetPropertiesSpecific",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["propertySizeLimit", "u16"],
    ["wantUnicode", "u16"],
    ["propertyTags", "tags16"],
  ] as const,
  null,
);

/** RopGetPropertiesSpecific (MS-OXCROPS 2.2.8.3): one PropertyRow laid out by the requested tags. */
export const ropGetPropertiesSpecific: RopDefinition<
  RopGetPropertiesSpecificRequest,
  Response<"RopGetPropertiesSpecific", { readonly row?: PropertyRow }>
> = {
  ...specificBase,
  response: {
    read(reader, header, request) {
      if (header.returnValue !== RopReturnValue.Success)
        return { rop: "RopGetPropertiesSpecific", ...header };
      return {
        rop: "RopGetPropertiesSpecific",
        ...header,
        row: readPropertyRow(reader, request.propertyTags),
      };
    },
    write(writer, response, request) {
      if (response.returnValue !== RopReturnValue.Success) return;
      if (!response.row) throw new InvalidArgumentError("RopGetPropertiesSpecific success needs a row");
      writePropertyRow(writer, request.propertyTags, response.row);
    },
  },
};

function readTaggedValues(reader: ByteReader): TaggedPropertyValue[] {
  const offset = reader.offset;
  const count = reader.u16();
  // A TaggedPropertyValue is at least its 4-byte tag.
  if (count * 4 > reader.remaining)
    throw new ParseError(`PropertyValueCount ${count} cannot fit`, { offset });
  const values: TaggedPropertyValue[] = [];
  for (let i = 0; i < count; i++) values.push(readTaggedPropertyValue(reader));
  return values;
}

function writeTaggedValues(writer: ByteWriter, values: readonly TaggedPropertyValue[]): void {
  if (values.length > 0xffff) throw new InvalidArgumentError("At most 65535 property values");
  writer.u16(values.length);
  for (const value of values) writeTaggedPropertyValue(writer, value);
}

const allBase = schemaRop(
  "RopGetPropertiesAll",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["propertySizeLimit", "u16"],
    ["wantUnicode", "u16"],
  ] as const,
  null,
);

/** RopGetPropertiesAll (MS-OXCROPS 2.2.8.4): PropertyValueCount TaggedPropertyValues. */
export const ropGetPropertiesAll: RopDefinition<
  typeof allBase extends RopDefinition<infer Q, unknown> ? Q : never,
  Response<"RopGetPropertiesAll", { readonly propertyValues?: readonly TaggedPropertyValue[] }>
> = {
  ...allBase,
  response: {
    read(reader, header) {
      if (header.returnValue !== RopReturnValue.Success) return { rop: "RopGetPropertiesAll", ...header };
      return { rop: "RopGetPropertiesAll", ...header, propertyValues: readTaggedValues(reader) };
    },
    write(writer, response) {
      if (response.returnValue === RopReturnValue.Success)
        writeTaggedValues(writer, response.propertyValues ?? []);
    },
  },
};

/** RopGetPropertiesList (MS-OXCROPS 2.2.8.5). */
export const ropGetPropertiesList = schemaRop(
  "RopGetPropertiesList",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
  ] as const,
  [["propertyTags", "tags16"]] as const,
);

export type RopSetPropertiesRequest = Request<
  "RopSetProperties",
  {
    readonly logonId: number;
    readonly inputHandleIndex: number;
    readonly propertyValues: readonly TaggedPropertyValue[];
  }
>;
type ProblemsResponse<N extends "RopSetProperties" | "RopDeleteProperties"> = Response<
  N,
  { readonly propertyProblems?: readonly PropertyProblem[] }
>;

function problemsResponse<N extends "RopSetProperties" | "RopDeleteProperties">(name: N) {
  return {
    read(reader: ByteReader, header: { handleIndex: number; returnValue: number }): ProblemsResponse<N> {
      if (header.returnValue !== RopReturnValue.Success)
        return { rop: name, ...header } as ProblemsResponse<N>;
      return { rop: name, ...header, propertyProblems: readPropertyProblems(reader) } as ProblemsResponse<N>;
    },
    write(writer: ByteWriter, response: ProblemsResponse<N>): void {
      if (response.returnValue === RopReturnValue.Success)
        writePropertyProblems(writer, response.propertyProblems ?? []);
    },
  };
}

/**
 * RopSetProperties (MS-OXCROPS 2.2.8.6). PropertyValueSize counts the PropertyValueCount
 * field and the values, and must agree with them.
 */
export const ropSetProperties: RopDefinition<
  RopSetPropertiesRequest,
  ProblemsResponse<"RopSetProperties">
> = {
  name: "RopSetProperties",
  ropId: RopId.RopSetProperties,
  writeRequest(writer, r) {
    const inner = new ByteWriter();
    writeTaggedValues(inner, r.propertyValues);
    const body = inner.finish();
    if (body.length > 0xffff) throw new InvalidArgumentError("Property values exceed 65535 bytes");
    writer.u8(r.logonId).u8(r.inputHandleIndex).u16(body.length).bytes(body);
  },
  readRequest(reader) {
    const logonId = reader.u8();
    const inputHandleIndex = reader.u8();
    const sizeOffset = reader.offset;
    const size = reader.u16();
    reader.need(size, "PropertyValues");
    const inner = new ByteReader(reader.bytes, reader.offset, reader.offset + size);
    const propertyValues = readTaggedValues(inner);
    if (inner.remaining !== 0)
      throw new ParseError(`PropertyValueSize ${size} does not match the values`, { offset: sizeOffset });
    reader.skip(size);
    return { rop: "RopSetProperties", logonId, inputHandleIndex, propertyValues };
  },
  response: problemsResponse("RopSetProperties"),
};

const deleteBase = schemaRop(
  "RopDeleteProperties",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["propertyTags", "tags16"],
  ] as const,
  null,
);

/** RopDeleteProperties (MS-OXCROPS 2.2.8.8). */
export const ropDeleteProperties: RopDefinition<
  typeof deleteBase extends RopDefinition<infer Q, unknown> ? Q : never,
  ProblemsResponse<"RopDeleteProperties">
> = { ...deleteBase, response: problemsResponse("RopDeleteProperties") };
