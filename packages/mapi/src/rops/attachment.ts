import { schemaRop } from "./rop-definition.js";

/** RopGetAttachmentTable (MS-OXCROPS 2.2.6.17). */
export const ropGetAttachmentTable = schemaRop(
  "RopGetAttachmentTable",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
    ["tableFlags", "u8"],
  ] as const,
  [],
);

/** RopOpenAttachment (MS-OXCROPS 2.2.6.12). */
export const ropOpenAttachment = schemaRop(
  "RopOpenAttachment",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
    ["openAttachmentFlags", "u8"],
    ["attachmentId", "u32"],
  ] as const,
  [],
);

/** RopCreateAttachment (MS-OXCROPS 2.2.6.13). */
export const ropCreateAttachment = schemaRop(
  "RopCreateAttachment",
  [
    ["logonId", "u8"],
    ["inputHandleIndex", "u8"],
    ["outputHandleIndex", "u8"],
  ] as const,
  [["attachmentId", "u32"]] as const,
);

/** RopSaveChangesAttachment (MS-OXCROPS 2.2.6.15): answered on ResponseHandleIndex. */
export const ropSaveChangesAttachment = schemaRop(
  "RopSaveChangesAttachment",
  [
    ["logonId", "u8"],
    ["responseHandleIndex", "u8"],
    ["inputHandleIndex", "u8"],
    ["saveFlags", "u8"],
  ] as const,
  [],
);
