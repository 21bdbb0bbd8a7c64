import {
  encodeFolderEntryId,
  type PropertyTag,
  SpecialFolderTags,
  StoreObjectType,
  splitId,
} from "@mailwire/mapi";
import type { MailboxStore } from "../store/mailbox-store.js";
import type { MapiIds } from "./mapi-ids.js";
import type { PropertySource } from "./mapi-properties.js";

/** The mailbox GUID the simulator's RopLogon returns (and folder entry ids carry as ProviderUID). */
export const SIM_MAILBOX_GUID = "6d61696c-7769-7265-2d73-696d00000001";
/** The GUID of replica 1, the mailbox's own (RopLogon ReplGuid; entry ids' DatabaseGuid). */
export const SIM_REPL_GUID = "6d61696c-7769-7265-2d73-696d00000002";

/** Folder EntryID of a FID of replica 1 (MS-OXCDATA 2.2.4.1). */
function folderEntryId(folderId: bigint): Uint8Array {
  return encodeFolderEntryId({
    flags: 0,
    providerUid: SIM_MAILBOX_GUID,
    folderType: StoreObjectType.eitLTPrivateFolder,
    databaseGuid: SIM_REPL_GUID,
    globalCounter: splitId(folderId).globalCounter,
  });
}

function storeFolderId(store: MailboxStore, use: "drafts" | "junk"): string | undefined {
  return store.folders().find((f) => f.specialUse === use)?.id;
}

/**
 * The special-folder entry ids the Inbox carries (MS-OXOSFLD 2.2.3, 2.2.4): Drafts as
 * PidTagIpmDraftsEntryId, Junk E-mail at index 4 of PidTagAdditionalRenEntryIds (indexes
 * 0-3, folders the store does not model, are empty). Other folders have none.
 */
export function specialFolderProperties(store: MailboxStore, ids: MapiIds, folderId: bigint): PropertySource {
  const properties = new Map<PropertyTag, unknown>();
  if (folderId !== ids.id(store.specialFolder("inbox").id)) return properties;
  const drafts = storeFolderId(store, "drafts");
  if (drafts !== undefined) {
    properties.set(SpecialFolderTags.PidTagIpmDraftsEntryId, folderEntryId(ids.id(drafts)));
  }
  const junk = storeFolderId(store, "junk");
  if (junk !== undefined) {
    const empty = new Uint8Array(0);
    properties.set(SpecialFolderTags.PidTagAdditionalRenEntryIds, [
      empty,
      empty,
      empty,
      empty,
      folderEntryId(ids.id(junk)),
    ]);
  }
  return properties;
}
