/** RopId values (MS-OXCROPS 2.2.2) for the ROPs this codec implements. */
export const RopId = {
  RopRelease: 0x01,
  RopOpenFolder: 0x02,
  RopOpenMessage: 0x03,
  RopGetHierarchyTable: 0x04,
  RopGetContentsTable: 0x05,
  RopCreateMessage: 0x06,
  RopGetPropertiesSpecific: 0x07,
  RopGetPropertiesAll: 0x08,
  RopGetPropertiesList: 0x09,
  RopSetProperties: 0x0a,
  RopDeleteProperties: 0x0b,
  RopSaveChangesMessage: 0x0c,
  RopModifyRecipients: 0x0e,
  RopReadRecipients: 0x0f,
  RopSetMessageReadFlag: 0x11,
  RopSetColumns: 0x12,
  RopSortTable: 0x13,
  RopRestrict: 0x14,
  RopQueryRows: 0x15,
  RopQueryPosition: 0x17,
  RopSeekRow: 0x18,
  RopCreateFolder: 0x1c,
  RopDeleteFolder: 0x1d,
  RopDeleteMessages: 0x1e,
  RopGetAttachmentTable: 0x21,
  RopOpenAttachment: 0x22,
  RopCreateAttachment: 0x23,
  RopSaveChangesAttachment: 0x25,
  RopGetReceiveFolder: 0x27,
  RopRegisterNotification: 0x29,
  RopNotify: 0x2a,
  RopOpenStream: 0x2b,
  RopReadStream: 0x2c,
  RopWriteStream: 0x2d,
  RopSubmitMessage: 0x32,
  RopMoveCopyMessages: 0x33,
  RopFindRow: 0x4f,
  RopGetNamesFromPropertyIds: 0x55,
  RopGetPropertyIdsFromNames: 0x56,
  RopCommitStream: 0x5d,
  RopGetStreamSize: 0x5e,
  RopSetReadFlags: 0x66,
  RopPending: 0x6e,
  RopResetTable: 0x81,
  RopHardDeleteMessages: 0x91,
  RopBackoff: 0xf9,
  RopLogon: 0xfe,
  RopBufferTooSmall: 0xff,
} as const;

export type RopName = keyof typeof RopId;

/** ReturnValue codes the ROP layouts depend on (MS-OXCDATA 2.4). */
export const RopReturnValue = {
  Success: 0x00000000,
  /** RopLogon: the mailbox lives on another server, named in the redirect response (MS-OXCROPS 2.2.3.1.4). */
  WrongServer: 0x00000478,
  /** RopMoveCopyMessages: the destination handle is not valid; DestHandleIndex is returned. */
  NullDestinationObject: 0x00000503,
  /** Partial success: some items failed; the success layout still follows. */
  WarnWithErrors: 0x00040380,
} as const;
