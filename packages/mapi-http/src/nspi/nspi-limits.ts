/**
 * Bounds the address book codecs enforce on what a peer sends, each with its reason. Every
 * count is also checked against the bytes left (count × smallest element) before a loop
 * reads it, so no array grows past what the body can actually hold.
 */
export const NspiLimits = {
  /**
   * Rows in one QueryRows/GetMatches/ResolveNames/SeekEntries answer. Exchange caps a
   * page well below this (its GAL pages are a few hundred rows); 100,000 bounds a hostile
   * count while leaving room for a whole small GAL in one answer.
   */
  maxRows: 100_000,
  /** Columns (LargePropertyTagArray entries): an address book object has a few hundred properties. */
  maxColumns: 4096,
  /** Minimal Entry IDs in an Explicit Table or a DNToMId/ResolveNames answer. */
  maxMinimalIds: 100_000,
  /** Names in DNToMId and ResolveNames requests. */
  maxNames: 10_000,
  /** Tagged values in one AddressBookPropertyValueList (a GetProps row). */
  maxPropertyValues: 4096,
} as const;
