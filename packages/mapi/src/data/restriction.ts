import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import { MapiLimits } from "../limits.js";
import type { PropertyTag } from "./property-tag.js";
import {
  checkDepth,
  type PropertyCodecContext,
  ROP_BUFFER_CONTEXT,
  readTaggedPropertyValue,
  type TaggedPropertyValue,
  writeTaggedPropertyValue,
} from "./property-value.js";

/** RestrictType (MS-OXCDATA 2.12). */
export const RestrictionType = {
  AndRestriction: 0x00,
  OrRestriction: 0x01,
  NotRestriction: 0x02,
  ContentRestriction: 0x03,
  PropertyRestriction: 0x04,
  ComparePropertiesRestriction: 0x05,
  BitMaskRestriction: 0x06,
  SizeRestriction: 0x07,
  ExistRestriction: 0x08,
  SubObjectRestriction: 0x09,
  CommentRestriction: 0x0a,
  CountRestriction: 0x0b,
} as const;

/** RelOp (MS-OXCDATA 2.12.5). */
export const RelOp = {
  RELOP_LT: 0x00,
  RELOP_LE: 0x01,
  RELOP_GT: 0x02,
  RELOP_GE: 0x03,
  RELOP_EQ: 0x04,
  RELOP_NE: 0x05,
  /** Regular-expression match; rarely supported by servers. */
  RELOP_RE: 0x06,
  RELOP_MEMBER_OF_DL: 0x64,
} as const;

/** ContentRestriction.FuzzyLevelLow (MS-OXCDATA 2.12.4): how much of the string must match. */
export const FuzzyLevelLow = {
  FL_FULLSTRING: 0x0000,
  FL_SUBSTRING: 0x0001,
  FL_PREFIX: 0x0002,
} as const;

/** ContentRestriction.FuzzyLevelHigh (MS-OXCDATA 2.12.4): comparison options, combinable. */
export const FuzzyLevelHigh = {
  FL_IGNORECASE: 0x0001,
  FL_IGNORENONSPACE: 0x0002,
  FL_LOOSE: 0x0004,
} as const;

/** BitMaskRestriction.BitmapRelOp (MS-OXCDATA 2.12.7). */
export const BitmapRelOp = {
  BMR_EQZ: 0x00,
  BMR_NEZ: 0x01,
} as const;

export type Restriction =
  | { readonly kind: "and"; readonly restrictions: readonly Restriction[] }
  | { readonly kind: "or"; readonly restrictions: readonly Restriction[] }
  | { readonly kind: "not"; readonly restriction: Restriction }
  | {
      readonly kind: "content";
      readonly fuzzyLevelLow: number;
      readonly fuzzyLevelHigh: number;
      readonly propertyTag: PropertyTag;
      readonly value: TaggedPropertyValue;
    }
  | {
      readonly kind: "property";
      readonly relOp: number;
      readonly propertyTag: PropertyTag;
      readonly value: TaggedPropertyValue;
    }
  | {
      readonly kind: "compareProperties";
      readonly relOp: number;
      readonly propertyTag1: PropertyTag;
      readonly propertyTag2: PropertyTag;
    }
  | {
      readonly kind: "bitMask";
      readonly bitmapRelOp: number;
      readonly propertyTag: PropertyTag;
      readonly mask: number;
    }
  | {
      readonly kind: "size";
      readonly relOp: number;
      readonly propertyTag: PropertyTag;
      readonly size: number;
    }
  | { readonly kind: "exist"; readonly propertyTag: PropertyTag }
  | { readonly kind: "subObject"; readonly subobject: PropertyTag; readonly restriction: Restriction }
  | {
      readonly kind: "comment";
      readonly values: readonly TaggedPropertyValue[];
      readonly restriction?: Restriction;
    }
  | { readonly kind: "count"; readonly count: number; readonly restriction: Restriction };

/** Smallest encoded restriction (an empty CommentRestriction: type, count, flag), to bound counts before looping. */
const MIN_RESTRICTION_SIZE = 3;
/** Smallest TaggedPropertyValue (a tag and a PtypNull value). */
const MIN_TAGGED_VALUE_SIZE = 4;

/**
 * Restriction (MS-OXCDATA 2.12), recursively. `depth` counts nesting; past
 * `MapiLimits.maxRestrictionDepth` the decoder stops with LimitExceededError instead of
 * following a hostile chain of Not restrictions down the stack.
 */
export function readRestriction(
  reader: ByteReader,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
  depth = 0,
): Restriction {
  checkDepth(depth, MapiLimits.maxRestrictionDepth, reader.offset);
  const start = reader.offset;
  const type = reader.u8();
  switch (type) {
    case RestrictionType.AndRestriction:
    case RestrictionType.OrRestriction: {
      const countOffset = reader.offset;
      const count = context.wideCounts ? reader.u32() : reader.u16();
      if (count > reader.remaining / MIN_RESTRICTION_SIZE) {
        throw new ParseError(`RestrictCount ${count} cannot fit in the ${reader.remaining} bytes left`, {
          offset: countOffset,
        });
      }
      const restrictions: Restriction[] = [];
      for (let i = 0; i < count; i++) restrictions.push(readRestriction(reader, context, depth + 1));
      return type === RestrictionType.AndRestriction
        ? { kind: "and", restrictions }
        : { kind: "or", restrictions };
    }
    case RestrictionType.NotRestriction:
      return { kind: "not", restriction: readRestriction(reader, context, depth + 1) };
    case RestrictionType.ContentRestriction: {
      const fuzzyLevelLow = reader.u16();
      const fuzzyLevelHigh = reader.u16();
      const propertyTag = reader.u32();
      const value = readTaggedPropertyValue(reader, context, depth);
      return { kind: "content", fuzzyLevelLow, fuzzyLevelHigh, propertyTag, value };
    }
    case RestrictionType.PropertyRestriction: {
      const relOp = reader.u8();
      const propertyTag = reader.u32();
      const value = readTaggedPropertyValue(reader, context, depth);
      return { kind: "property", relOp, propertyTag, value };
    }
    case RestrictionType.ComparePropertiesRestriction:
      return {
        kind: "compareProperties",
        relOp: reader.u8(),
        propertyTag1: reader.u32(),
        propertyTag2: reader.u32(),
      };
    case RestrictionType.BitMaskRestriction:
      return { kind: "bitMask", bitmapRelOp: reader.u8(), propertyTag: reader.u32(), mask: reader.u32() };
    case RestrictionType.SizeRestriction:
      return { kind: "size", relOp: reader.u8(), propertyTag: reader.u32(), size: reader.u32() };
    case RestrictionType.ExistRestriction:
      return { kind: "exist", propertyTag: reader.u32() };
    case RestrictionType.SubObjectRestriction: {
      const subobject = reader.u32();
      return { kind: "subObject", subobject, restriction: readRestriction(reader, context, depth + 1) };
    }
    case RestrictionType.CommentRestriction: {
      const count = reader.u8();
      if (count > reader.remaining / MIN_TAGGED_VALUE_SIZE) {
        throw new ParseError(`TaggedValuesCount ${count} cannot fit in the bytes left`, {
          offset: reader.offset,
        });
      }
      const values: TaggedPropertyValue[] = [];
      for (let i = 0; i < count; i++) values.push(readTaggedPropertyValue(reader, context, depth));
      const present = reader.u8();
      if (present === 0) return { kind: "comment", values };
      return { kind: "comment", values, restriction: readRestriction(reader, context, depth + 1) };
    }
    case RestrictionType.CountRestriction: {
      const count = reader.u32();
      return { kind: "count", count, restriction: readRestriction(reader, context, depth + 1) };
    }
    default:
      throw new ParseError(`Unknown RestrictType 0x${type.toString(16)}`, { offset: start });
  }
}

function checkU8(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new InvalidArgumentError(`${name} must be a byte`);
  return value;
}

export function writeRestriction(
  writer: ByteWriter,
  restriction: Restriction,
  context: PropertyCodecContext = ROP_BUFFER_CONTEXT,
  depth = 0,
): void {
  if (depth > MapiLimits.maxRestrictionDepth) {
    throw new InvalidArgumentError(`Restrictions nest deeper than ${MapiLimits.maxRestrictionDepth} levels`);
  }
  switch (restriction.kind) {
    case "and":
    case "or": {
      const count = restriction.restrictions.length;
      if (!context.wideCounts && count > 0xffff) throw new InvalidArgumentError("Too many sub-restrictions");
      writer.u8(restriction.kind === "and" ? RestrictionType.AndRestriction : RestrictionType.OrRestriction);
      if (context.wideCounts) writer.u32(count);
      else writer.u16(count);
      for (const sub of restriction.restrictions) writeRestriction(writer, sub, context, depth + 1);
      return;
    }
    case "not":
      writer.u8(RestrictionType.NotRestriction);
      writeRestriction(writer, restriction.restriction, context, depth + 1);
      return;
    case "content":
      writer
        .u8(RestrictionType.ContentRestriction)
        .u16(restriction.fuzzyLevelLow)
        .u16(restriction.fuzzyLevelHigh)
        .u32(restriction.propertyTag);
      writeTaggedPropertyValue(writer, restriction.value, context);
      return;
    case "property":
      writer
        .u8(RestrictionType.PropertyRestriction)
        .u8(checkU8("relOp", restriction.relOp))
        .u32(restriction.propertyTag);
      writeTaggedPropertyValue(writer, restriction.value, context);
      return;
    case "compareProperties":
      writer
        .u8(RestrictionType.ComparePropertiesRestriction)
        .u8(checkU8("relOp", restriction.relOp))
        .u32(restriction.propertyTag1)
        .u32(restriction.propertyTag2);
      return;
    case "bitMask":
      writer
        .u8(RestrictionType.BitMaskRestriction)
        .u8(checkU8("bitmapRelOp", restriction.bitmapRelOp))
        .u32(restriction.propertyTag)
        .u32(restriction.mask);
      return;
    case "size":
      writer
        .u8(RestrictionType.SizeRestriction)
        .u8(checkU8("relOp", restriction.relOp))
        .u32(restriction.propertyTag)
        .u32(restriction.size);
      return;
    case "exist":
      writer.u8(RestrictionType.ExistRestriction).u32(restriction.propertyTag);
      return;
    case "subObject":
      writer.u8(RestrictionType.SubObjectRestriction).u32(restriction.subobject);
      writeRestriction(writer, restriction.restriction, context, depth + 1);
      return;
    case "comment":
      if (restriction.values.length > 0xff)
        throw new InvalidArgumentError("A CommentRestriction holds at most 255 values");
      writer.u8(RestrictionType.CommentRestriction).u8(restriction.values.length);
      for (const value of restriction.values) writeTaggedPropertyValue(writer, value, context);
      if (restriction.restriction === undefined) {
        writer.u8(0);
      } else {
        writer.u8(1);
        writeRestriction(writer, restriction.restriction, context, depth + 1);
      }
      return;
    case "count":
      writer.u8(RestrictionType.CountRestriction).u32(restriction.count);
      writeRestriction(writer, restriction.restriction, context, depth + 1);
      return;
  }
}
