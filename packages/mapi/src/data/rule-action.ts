import { type ByteReader, type ByteWriter, InvalidArgumentError, ParseError } from "@mailwire/core";
import type { PropertyCodecContext } from "./property-value.js";

/**
 * One ActionBlock of a PtypRuleAction value (MS-OXORULE 2.2.5.1). ActionData stays raw: its
 * layout depends on ActionType and belongs to the rules layer, not to the property codec.
 */
export interface RuleActionBlock {
  readonly actionType: number;
  readonly actionFlavor: number;
  readonly actionFlags: number;
  readonly actionData: Uint8Array;
}

/** RuleAction (MS-OXORULE 2.2.5): NoOfActions, then that many ActionBlocks. */
export interface RuleActions {
  readonly actions: readonly RuleActionBlock[];
}

/** ActionType, ActionFlavor and ActionFlags: the fixed part every ActionLength covers. */
const ACTION_HEADER_SIZE = 9;

export function readRuleActions(reader: ByteReader, context: PropertyCodecContext): RuleActions {
  const countOffset = reader.offset;
  const count = context.wideCounts ? reader.u32() : reader.u16();
  const lengthSize = context.wideCounts ? 4 : 2;
  if (count > reader.remaining / (lengthSize + ACTION_HEADER_SIZE)) {
    throw new ParseError(`NoOfActions ${count} cannot fit in the ${reader.remaining} bytes left`, {
      offset: countOffset,
    });
  }
  const actions: RuleActionBlock[] = [];
  for (let i = 0; i < count; i++) {
    const lengthOffset = reader.offset;
    const length = context.wideCounts ? reader.u32() : reader.u16();
    if (length < ACTION_HEADER_SIZE) {
      throw new ParseError(`ActionLength ${length} is shorter than the action header`, {
        offset: lengthOffset,
      });
    }
    const actionType = reader.u8();
    const actionFlavor = reader.u32();
    const actionFlags = reader.u32();
    const actionData = reader.bytesCopy(length - ACTION_HEADER_SIZE);
    actions.push({ actionType, actionFlavor, actionFlags, actionData });
  }
  return { actions };
}

export function writeRuleActions(
  writer: ByteWriter,
  value: RuleActions,
  context: PropertyCodecContext,
): void {
  const max = context.wideCounts ? 0xffffffff : 0xffff;
  if (value.actions.length > max) throw new InvalidArgumentError("Too many rule actions");
  if (context.wideCounts) writer.u32(value.actions.length);
  else writer.u16(value.actions.length);
  for (const action of value.actions) {
    const length = ACTION_HEADER_SIZE + action.actionData.length;
    if (length > max) throw new InvalidArgumentError("ActionData too long");
    if (context.wideCounts) writer.u32(length);
    else writer.u16(length);
    writer.u8(action.actionType).u32(action.actionFlavor).u32(action.actionFlags).bytes(action.actionData);
  }
}
