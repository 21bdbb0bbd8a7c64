import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import type { PropertyTag } from "./property-tag.js";

/** PropertyProblem (MS-OXCDATA 2.7): which property of a request failed, and why. */
export interface PropertyProblem {
  readonly index: number;
  readonly propertyTag: PropertyTag;
  readonly errorCode: number;
}

const PROPERTY_PROBLEM_SIZE = 10;

export function readPropertyProblems(reader: ByteReader): PropertyProblem[] {
  const offset = reader.offset;
  const count = reader.u16();
  if (count * PROPERTY_PROBLEM_SIZE > reader.remaining) {
    throw new ParseError(`PropertyProblemCount ${count} cannot fit in the bytes left`, { offset });
  }
  const problems: PropertyProblem[] = [];
  for (let i = 0; i < count; i++)
    problems.push({ index: reader.u16(), propertyTag: reader.u32(), errorCode: reader.u32() });
  return problems;
}

export function writePropertyProblems(writer: ByteWriter, problems: readonly PropertyProblem[]): void {
  if (problems.length > 0xffff) throw new InvalidArgumentError("Too many property problems");
  writer.u16(problems.length);
  for (const p of problems) writer.u16(p.index).u32(p.propertyTag).u32(p.errorCode);
}
