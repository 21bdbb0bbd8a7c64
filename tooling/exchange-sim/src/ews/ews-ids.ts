import type { FixtureSpecialUse } from "@mailwire/fixtures";
import type { MailboxStore, StoreFolder, StoreMessage } from "../store/mailbox-store.js";
import { attr, type EwsNode } from "./ews-xml.js";

// Ids: the store's own ids (fld-NNNN, msg-NNNN) serve as EWS Ids; ChangeKey is the change number,
// so a stale ChangeKey is detectable. The mailbox root (msgfolderroot) is the virtual "root".

export const ROOT_ID = "fld-root";

const DISTINGUISHED: Readonly<Record<string, FixtureSpecialUse | "root">> = {
  msgfolderroot: "root",
  root: "root",
  inbox: "inbox",
  drafts: "drafts",
  sentitems: "sent",
  deleteditems: "trash",
  junkemail: "junk",
  outbox: "outbox",
};

export class EwsIdError extends Error {
  constructor(
    readonly responseCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves a FolderId/DistinguishedFolderId container (e.g. ParentFolderIds) to store folder ids. */
export function resolveFolders(store: MailboxStore, container: EwsNode | undefined): string[] {
  const ids: string[] = [];
  for (const [key, value] of Object.entries(container ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const node of value as EwsNode[]) {
      if (key === "DistinguishedFolderId") ids.push(resolveDistinguished(store, attr(node, "Id") ?? ""));
      else if (key === "FolderId") {
        const id = attr(node, "Id") ?? "";
        const virtual = id === ROOT_ID || Object.values(PIM_DISTINGUISHED).includes(id);
        if (!virtual && !store.folders().some((f) => f.id === id)) {
          throw new EwsIdError(
            /^fld-\d{4}$/.test(id) ? "ErrorFolderNotFound" : "ErrorInvalidIdMalformed",
            "Id is malformed.",
          );
        }
        ids.push(id);
      }
    }
  }
  return ids;
}

// Calendar, contacts and tasks are served by ews-pim.ts from virtual folders.
const PIM_DISTINGUISHED: Readonly<Record<string, string>> = {
  calendar: "fld-calendar",
  contacts: "fld-contacts",
  tasks: "fld-tasks",
};

export function resolveDistinguished(store: MailboxStore, name: string): string {
  const pim = PIM_DISTINGUISHED[name];
  if (pim !== undefined) return pim;
  const use = DISTINGUISHED[name];
  if (use === undefined)
    throw new EwsIdError("ErrorFolderNotFound", `The distinguished folder ${name} is not available.`);
  return use === "root" ? ROOT_ID : store.specialFolder(use).id;
}

export function resolveOneFolder(store: MailboxStore, container: EwsNode | undefined): string {
  const [id] = resolveFolders(store, container);
  if (id === undefined) throw new EwsIdError("ErrorInvalidRequest", "A folder id is required.");
  return id;
}

export function itemIdsOf(
  container: EwsNode | undefined,
): Array<{ id: string; changeKey: string | undefined }> {
  const value = container?.ItemId;
  return (Array.isArray(value) ? (value as EwsNode[]) : []).map((node) => ({
    id: attr(node, "Id") ?? "",
    changeKey: attr(node, "ChangeKey"),
  }));
}

export function changeKey(entity: StoreMessage | StoreFolder): string {
  return `CK${entity.changeNumber}`;
}

export function folderIdXml(store: MailboxStore, id: string, name = "t:FolderId"): string {
  if (id === ROOT_ID) return `<${name} Id="${ROOT_ID}" ChangeKey="CK0"/>`;
  return `<${name} Id="${id}" ChangeKey="${changeKey(store.folder(id))}"/>`;
}

export function specialName(folder: StoreFolder): string | undefined {
  for (const [name, use] of Object.entries(DISTINGUISHED)) if (use === folder.specialUse) return name;
  return undefined;
}
