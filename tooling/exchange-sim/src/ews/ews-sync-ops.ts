import type { StoreChange } from "../store/mailbox-store.js";
import { resolveOneFolder } from "./ews-ids.js";
import { type EwsOperation, perItem } from "./ews-operation.js";
import { messageXml, readItemShape } from "./ews-render.js";
import { errorMessage, one, operationResponse, successMessage, text, x } from "./ews-xml.js";

// SyncFolderItems (MS-OXWSSYNC 3.1.4.2). The SyncState is opaque to clients; here it is
// base64 JSON: the folder, the store change number the client has seen, and during the initial
// sync an offset into the folder's messages. Changes are coalesced per item, oldest first,
// at most MaxChangesReturned per call.

interface SyncState {
  folder: string;
  changeNumber: number;
  /** Initial sync in progress: how many existing messages were sent. */
  offset?: number;
}

function encode(state: SyncState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64");
}

function decode(value: string): SyncState | undefined {
  try {
    const state = JSON.parse(Buffer.from(value, "base64").toString("utf8")) as SyncState;
    return typeof state.folder === "string" && Number.isInteger(state.changeNumber) ? state : undefined;
  } catch {
    return undefined;
  }
}

export const syncFolderItems: EwsOperation = ({ store, version }, request) => {
  const shape = readItemShape(one(request, "ItemShape"));
  const max = Math.min(512, Math.max(1, Number(text(one(request, "MaxChangesReturned")) || 512)));
  const message = perItem("SyncFolderItems", () => {
    const folder = resolveOneFolder(store, one(request, "SyncFolderId"));
    const given = text(one(request, "SyncState"));
    const state = given === "" ? { folder, changeNumber: store.changeNumber, offset: 0 } : decode(given);
    if (state === undefined || state.folder !== folder) {
      return errorMessage(
        "SyncFolderItems",
        "ErrorInvalidSyncStateData",
        "Synchronization state data is corrupt or otherwise invalid.",
        "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>",
      );
    }
    const render = (id: string) => messageXml(store, store.message(id), shape, { withBody: false });
    let changes: string[] = [];
    let next: SyncState;
    let last: boolean;
    if (state.offset !== undefined) {
      // Initial sync: every message present at the snapshot, as creates (by id for a stable order).
      const messages = store.messages(folder).sort((a, b) => a.id.localeCompare(b.id));
      const page = messages.slice(state.offset, state.offset + max);
      changes = page.map((m) => `<t:Create>${render(m.id)}</t:Create>`);
      last = state.offset + page.length >= messages.length;
      next = last
        ? { folder, changeNumber: state.changeNumber }
        : { ...state, offset: state.offset + page.length };
    } else {
      const coalesced = new Map<string, "create" | "update" | "delete">();
      let seen = state.changeNumber;
      const pending = store.changesSince(state.changeNumber, folder);
      let index = 0;
      for (; index < pending.length; index++) {
        const change = pending[index] as StoreChange;
        if (!("messageId" in change)) continue;
        if (!coalesced.has(change.messageId) && coalesced.size >= max) break;
        const into = change.folderId === folder && change.kind !== "message-deleted";
        const kind = !into ? "delete" : change.kind === "message-updated" ? "update" : "create";
        const before = coalesced.get(change.messageId);
        coalesced.set(change.messageId, before === "create" && kind === "update" ? "create" : kind);
        seen = change.changeNumber;
      }
      last = index >= pending.length;
      next = { folder, changeNumber: last ? Math.max(seen, store.changeNumber) : seen };
      for (const [id, kind] of coalesced) {
        const current = store.messages().find((m) => m.id === id);
        if (kind === "delete" || current === undefined || current.folderId !== folder) {
          changes.push(`<t:Delete><t:ItemId Id="${id}"/></t:Delete>`);
        } else if (kind === "create") changes.push(`<t:Create>${render(id)}</t:Create>`);
        else changes.push(`<t:Update>${render(id)}</t:Update>`);
      }
    }
    return successMessage(
      "SyncFolderItems",
      `<m:SyncState>${x(encode(next))}</m:SyncState><m:IncludesLastItemInRange>${last}</m:IncludesLastItemInRange><m:Changes>${changes.join("")}</m:Changes>`,
    );
  });
  return operationResponse(version, "SyncFolderItems", [message]);
};
