import type { ByteReader, ByteWriter } from "@mailwire/core";
import type { PropertyTag } from "../data/property-tag.js";
import { type FieldsOf, readFields, type Schema, writeFields } from "./fields.js";
import { RopId, type RopName, RopReturnValue } from "./rop-id.js";

/** Every ROP response starts with RopId, a handle index and ReturnValue (MS-OXCROPS 2.2.1). */
export interface RopResponseHeader {
  /** InputHandleIndex, OutputHandleIndex or ResponseHandleIndex, as the ROP defines it. */
  readonly handleIndex: number;
  readonly returnValue: number;
}

/** What a response decoder may need beyond the request it answers. */
export interface RopResponseContext {
  /** Columns of the table a RopQueryRows/RopFindRow reads (from RopSetColumns). */
  readonly tableColumns: readonly PropertyTag[] | undefined;
}

export type Request<N extends RopName, F> = { readonly rop: N } & F;
export type Response<N extends RopName, F> = { readonly rop: N } & RopResponseHeader & F;

/**
 * Encoder and decoder of one ROP. Request bodies and response bodies exclude the RopId byte
 * (and the response header), which the buffer codec reads to pick the definition.
 */
export interface RopDefinition<Req = unknown, Res = unknown> {
  readonly name: RopName;
  readonly ropId: number;
  writeRequest(writer: ByteWriter, request: Req): void;
  readRequest(reader: ByteReader): Req;
  /** Absent for ROPs the server never answers (RopRelease). */
  readonly response?: {
    read(reader: ByteReader, header: RopResponseHeader, request: Req, context: RopResponseContext): Res;
    write(writer: ByteWriter, response: Res, request: Req, context: RopResponseContext): void;
  };
}

/**
 * A ROP whose request is a fixed field list and whose response adds `success` fields only
 * when ReturnValue is 0 (most ROPs, per MS-OXCROPS 2.2.1: a failing ROP returns just the
 * header) — or always, for the few that say so (RopReadStream, RopWriteStream).
 */
export function schemaRop<N extends RopName, Q extends Schema, P extends Schema>(
  name: N,
  requestSchema: Q,
  successSchema: P | null,
  options: { readonly always?: boolean } = {},
): RopDefinition<Request<N, FieldsOf<Q>>, Response<N, Partial<FieldsOf<P>>>> {
  const definition: RopDefinition<Request<N, FieldsOf<Q>>, Response<N, Partial<FieldsOf<P>>>> = {
    name,
    ropId: RopId[name],
    writeRequest: (writer, request) => writeFields(writer, requestSchema, request),
    readRequest: (reader) => ({ rop: name, ...readFields(reader, requestSchema) }),
  };
  if (successSchema === null) return definition;
  return {
    ...definition,
    response: {
      read(reader, header) {
        const present = options.always || header.returnValue === RopReturnValue.Success;
        const fields = present ? readFields(reader, successSchema) : {};
        return { rop: name, ...header, ...fields } as Response<N, Partial<FieldsOf<P>>>;
      },
      write(writer, response) {
        if (options.always || response.returnValue === RopReturnValue.Success) {
          writeFields(writer, successSchema, response);
        }
      },
    },
  };
}
