/** Options every transport call accepts (design: `signal` on every network call). */
export interface TransportCallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/** What the server tells the client when a session context is created (MS-OXCRPC 3.1.4.1, MS-OXCMAPIHTTP 2.2.4.1.2). */
export interface EmsmdbConnectInfo {
  /** How often the client should poll for notifications, in milliseconds. */
  readonly maximumPollingIntervalMs: number;
  readonly retryCount: number;
  readonly retryDelayMs: number;
  /** DN prefix of the server (for DNs the client builds). */
  readonly dnPrefix: string;
  /** The user's display name. */
  readonly displayName: string;
}

/**
 * The mailbox (EMSMDB) interface a `MapiSession` runs on: MAPI over HTTP's Connect/Execute/
 * Disconnect/NotificationWait request types, or RPC over HTTP's EcDoConnectEx/EcDoRpcExt2/
 * EcDoDisconnect/EcDoAsyncWaitEx. A transport moves ROP buffers (MS-OXCROPS 2.2.1: RopSize,
 * ROPs, server object handle table) and owns what wraps them on its wire (RPC_HEADER_EXT,
 * compression, obfuscation, cookies or context handles).
 *
 * When the server has dropped the session context, `execute` MUST NOT send the batch again:
 * it throws `SessionResetError` (after reconnecting when it could), because a ROP batch is in
 * general not idempotent and all server object handles died with the old context.
 */
export interface EmsmdbTransport {
  connect(options?: TransportCallOptions): Promise<EmsmdbConnectInfo>;
  /** Sends one ROP request buffer; resolves with the ROP response buffer. */
  execute(ropBuffer: Uint8Array, options?: TransportCallOptions): Promise<Uint8Array>;
  disconnect(options?: TransportCallOptions): Promise<void>;
  /** Long poll: resolves true when the server has notifications pending (fetch them with an Execute). */
  waitForNotifications(options?: TransportCallOptions): Promise<boolean>;
}
