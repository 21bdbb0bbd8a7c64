import type { SyntaxId } from "../dcerpc/constants.js";

/** The EMSMDB interface (MS-OXCRPC 1.9, appendix A IDL: uuid a4f1db00-..., version 0.81). */
export const EMSMDB_INTERFACE: SyntaxId = {
  uuid: "a4f1db00-ca47-1067-b31f-00dd010662da",
  major: 0,
  minor: 81,
};

/** The AsyncEMSMDB interface (MS-OXCRPC 1.9: uuid 5261574a-..., version 0.1). */
export const ASYNC_EMSMDB_INTERFACE: SyntaxId = {
  uuid: "5261574a-4572-206e-b268-6b199213b4e5",
  major: 0,
  minor: 1,
};

/** EMSMDB opnums (MS-OXCRPC 3.1.4). */
export const EmsmdbOpnum = {
  EcDoDisconnect: 1,
  EcRRegisterPushNotification: 4,
  EcDummyRpc: 6,
  EcDoConnectEx: 10,
  EcDoRpcExt2: 11,
  EcDoAsyncConnectEx: 14,
} as const;

/** AsyncEMSMDB opnums (MS-OXCRPC 3.3.4). */
export const AsyncEmsmdbOpnum = {
  EcDoAsyncWaitEx: 0,
} as const;

/** pulFlags of EcDoRpcExt2 (MS-OXCRPC 3.1.4.2): what the server may do to the response. */
export const RpcExt2Flag = {
  NoCompression: 0x00000001,
  NoXorMagic: 0x00000002,
  Chain: 0x00000004,
} as const;

/** pulFlagsOut of EcDoAsyncWaitEx (MS-OXCRPC 3.3.4.1). */
export const AsyncWaitFlag = {
  NotificationPending: 0x00000001,
} as const;

/** Largest rgbOut the client may ask for (the range on pcbOut, MS-OXCRPC 3.1.4.2). */
export const MAX_RGB_OUT = 0x40000;
/** Largest auxiliary buffer (SMALL_RANGE_ULONG on pcbAuxOut, MS-OXCRPC 2.2.2.1). */
export const MAX_AUX_OUT = 0x1008;
