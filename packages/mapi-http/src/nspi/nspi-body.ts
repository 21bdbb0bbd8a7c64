import { ByteReader, ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { readAuxiliary, writeAuxiliary } from "../codec/body-fields.js";

// Every address book body (MS-OXCMAPIHTTP 2.2.5) is a flat run of fields: fixed integers,
// optional parts announced by a one-byte Has... flag, counted arrays, and an auxiliary buffer
// at the end; responses open with StatusCode and, on success, ErrorCode. Each body is
// declared once as a field list below, and the same list drives both directions, so encode
// and decode cannot drift apart.

/** How one field is read and written. */
export interface Field<T> {
  read(reader: ByteReader): T;
  write(writer: ByteWriter, value: T): void;
}

/** A field behind a one-byte "Has..." flag (non-zero: present). */
export interface OptionalField<T> {
  readonly optional: Field<T>;
}

export type Schema = Readonly<Record<string, Field<unknown> | OptionalField<unknown>>>;

type FieldValue<F> = F extends Field<infer T> ? T : F extends OptionalField<infer T> ? T : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends OptionalField<unknown> ? never : K }[keyof S];
type OptionalKeys<S> = { [K in keyof S]: S[K] extends OptionalField<unknown> ? K : never }[keyof S];

/** The decoded form of a schema: optional fields become optional properties. */
export type Fields<S> = { readonly [K in RequiredKeys<S>]: FieldValue<S[K]> } & {
  readonly [K in OptionalKeys<S>]?: FieldValue<S[K]>;
} & {};

/** A request body: its fields, then AuxiliaryBufferSize and AuxiliaryBuffer. */
export type RequestBody<S> = Fields<S> & { readonly auxiliaryBuffer?: Uint8Array };

/** A failed response (StatusCode not 0): only the auxiliary buffer follows. */
export interface NspiFailureResponse {
  readonly statusCode: number;
  readonly auxiliaryBuffer: Uint8Array;
}

/**
 * A successful response: StatusCode 0, ErrorCode (the NSPI return value, MS-OXNSPI 2.2.1.2),
 * the request type's fields, and the auxiliary buffer.
 */
export type NspiSuccessResponse<S> = {
  readonly statusCode: 0;
  readonly errorCode: number;
  readonly auxiliaryBuffer: Uint8Array;
} & Fields<S>;

export type ResponseBody<S> = NspiSuccessResponse<S> | NspiFailureResponse;

export interface BodyCodec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export function optional<T>(field: Field<T>): OptionalField<T> {
  return { optional: field };
}

function isOptional(field: Field<unknown> | OptionalField<unknown>): field is OptionalField<unknown> {
  return "optional" in field;
}

type AnyField = Field<unknown>;

function readFields(reader: ByteReader, schema: Schema, into: Record<string, unknown>): void {
  for (const [name, spec] of Object.entries(schema)) {
    if (isOptional(spec)) {
      if (reader.u8() !== 0) into[name] = (spec.optional as AnyField).read(reader);
    } else {
      into[name] = (spec as AnyField).read(reader);
    }
  }
}

function writeFields(writer: ByteWriter, schema: Schema, from: Readonly<Record<string, unknown>>): void {
  for (const [name, spec] of Object.entries(schema)) {
    const value = from[name];
    if (isOptional(spec)) {
      writer.u8(value === undefined ? 0 : 1);
      if (value !== undefined) (spec.optional as AnyField).write(writer, value);
    } else {
      if (value === undefined) throw new InvalidArgumentError(`The ${name} field is required`);
      (spec as AnyField).write(writer, value);
    }
  }
}

function expectEnd(reader: ByteReader, what: string): void {
  if (reader.remaining !== 0) {
    throw new ParseError(`${reader.remaining} bytes follow the ${what} body`, { offset: reader.offset });
  }
}

export function requestBody<S extends Schema>(name: string, schema: S): BodyCodec<RequestBody<S>> {
  return {
    encode(value) {
      const writer = new ByteWriter(64);
      writeFields(writer, schema, value as Record<string, unknown>);
      writeAuxiliary(writer, value.auxiliaryBuffer);
      return writer.finish().slice();
    },
    decode(bytes) {
      const reader = new ByteReader(bytes);
      const out: Record<string, unknown> = {};
      readFields(reader, schema, out);
      out.auxiliaryBuffer = readAuxiliary(reader);
      expectEnd(reader, `${name} request`);
      return out as RequestBody<S>;
    },
  };
}

export function responseBody<S extends Schema>(name: string, schema: S): BodyCodec<ResponseBody<S>> {
  return {
    encode(value) {
      const writer = new ByteWriter(64);
      writer.u32(value.statusCode >>> 0);
      if (value.statusCode === 0) {
        const success = value as NspiSuccessResponse<S>;
        writer.u32(success.errorCode >>> 0);
        writeFields(writer, schema, success as Record<string, unknown>);
      }
      writeAuxiliary(writer, value.auxiliaryBuffer);
      return writer.finish().slice();
    },
    decode(bytes) {
      const reader = new ByteReader(bytes);
      const statusCode = reader.u32();
      const out: Record<string, unknown> = { statusCode };
      if (statusCode === 0) {
        out.errorCode = reader.u32();
        readFields(reader, schema, out);
      }
      out.auxiliaryBuffer = readAuxiliary(reader);
      expectEnd(reader, `${name} response`);
      return out as ResponseBody<S>;
    },
  };
}
