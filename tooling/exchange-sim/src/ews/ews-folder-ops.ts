import { folderIdXml, ROOT_ID, resolveFolders, resolveOneFolder } from "./ews-ids.js";
import { type EwsOperation, perItem } from "./ews-operation.js";
import { folderXml } from "./ews-render.js";
import { all, attr, errorMessage, one, operationResponse, path, successMessage, text, x } from "./ews-xml.js";

// GetFolder, FindFolder, CreateFolder, DeleteFolder, SyncFolderHierarchy (MS-OXWSFOLD,
// MS-OXWSSRCH, MS-OXWSSYNC) over the store's folders.

export const getFolder: EwsOperation = ({ store, version }, request) => {
  const shape = text(path(request, "FolderShape", "BaseShape")) || "Default";
  const container = one(request, "FolderIds");
  const messages: string[] = [];
  for (const [key, nodes] of Object.entries(container ?? {})) {
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes) {
      messages.push(
        perItem(
          "GetFolder",
          () => {
            const [id] = resolveFolders(store, { [key]: [node] });
            return successMessage(
              "GetFolder",
              `<m:Folders>${folderXml(store, id as string, shape)}</m:Folders>`,
            );
          },
          "<m:Folders/>",
        ),
      );
    }
  }
  return operationResponse(version, "GetFolder", messages);
};

export const findFolder: EwsOperation = ({ store, version }, request) => {
  const shape = text(path(request, "FolderShape", "BaseShape")) || "Default";
  const deep = attr(request, "Traversal") === "Deep";
  const view = one(request, "IndexedPageFolderView");
  const offset = Number(attr(view, "Offset") ?? 0);
  const max = Number(attr(view, "MaxEntriesReturned") ?? 1000);
  const message = perItem("FindFolder", () => {
    const parent = resolveOneFolder(store, one(request, "ParentFolderIds"));
    const collect = (id: string): string[] =>
      store
        .childFolders(id === ROOT_ID ? undefined : id)
        .flatMap((f) => [f.id, ...(deep ? collect(f.id) : [])]);
    const ids = collect(parent);
    const page = ids.slice(offset, offset + max);
    const last = offset + page.length >= ids.length;
    return successMessage(
      "FindFolder",
      `<m:RootFolder IndexedPagingOffset="${offset + page.length}" TotalItemsInView="${ids.length}" IncludesLastItemInRange="${last}"><t:Folders>${page.map((id) => folderXml(store, id, shape)).join("")}</t:Folders></m:RootFolder>`,
    );
  });
  return operationResponse(version, "FindFolder", [message]);
};

export const createFolder: EwsOperation = ({ store, version }, request) => {
  const messages: string[] = [];
  const folders = one(request, "Folders");
  for (const folder of all(folders, "Folder")) {
    messages.push(
      perItem("CreateFolder", () => {
        const parent = resolveOneFolder(store, one(request, "ParentFolderId"));
        const name = text(one(folder, "DisplayName"));
        try {
          const created = store.createFolder(parent === ROOT_ID ? undefined : parent, name);
          return successMessage(
            "CreateFolder",
            `<m:Folders><t:Folder>${folderIdXml(store, created.id)}</t:Folder></m:Folders>`,
          );
        } catch (error) {
          if (error instanceof Error && "code" in error && error.code === "conflict") {
            return errorMessage(
              "CreateFolder",
              "ErrorFolderExists",
              "A folder with the specified name already exists.",
            );
          }
          throw error;
        }
      }),
    );
  }
  return operationResponse(version, "CreateFolder", messages);
};

export const deleteFolder: EwsOperation = ({ store, version }, request) => {
  // The shared store has no folder deletion (yet): every folder answers ErrorDeleteDistinguishedFolder
  // for special folders, ErrorAccessDenied otherwise, so clients see a typed per-folder error.
  const container = one(request, "FolderIds");
  const messages: string[] = [];
  for (const [key, nodes] of Object.entries(container ?? {})) {
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes) {
      messages.push(
        perItem("DeleteFolder", () => {
          const [id] = resolveFolders(store, { [key]: [node] });
          const special = id === ROOT_ID || store.folder(id as string).specialUse !== undefined;
          return special
            ? errorMessage(
                "DeleteFolder",
                "ErrorDeleteDistinguishedFolder",
                "Distinguished folders cannot be deleted.",
              )
            : errorMessage(
                "DeleteFolder",
                "ErrorAccessDenied",
                "The simulator's store cannot delete folders.",
              );
        }),
      );
    }
  }
  return operationResponse(version, "DeleteFolder", messages);
};

export const syncFolderHierarchy: EwsOperation = ({ store, version }, request) => {
  const state = text(one(request, "SyncState"));
  const since = state === "" ? 0 : Number(Buffer.from(state, "base64").toString("utf8").replace(/^h:/, ""));
  if (!Number.isInteger(since)) {
    return operationResponse(version, "SyncFolderHierarchy", [
      errorMessage(
        "SyncFolderHierarchy",
        "ErrorInvalidSyncStateData",
        "Synchronization state data is corrupt or otherwise invalid.",
      ),
    ]);
  }
  const folders = store.folders().filter((f) => f.changeNumber > since);
  const changes = folders
    .map(
      (f) =>
        `<t:${since === 0 ? "Create" : "Update"}>${folderXml(store, f.id, "Default")}</t:${since === 0 ? "Create" : "Update"}>`,
    )
    .join("");
  const next = Buffer.from(`h:${store.changeNumber}`).toString("base64");
  return operationResponse(version, "SyncFolderHierarchy", [
    successMessage(
      "SyncFolderHierarchy",
      `<m:SyncState>${x(next)}</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange><m:Changes>${changes}</m:Changes>`,
    ),
  ]);
};

export const emptyFolder: EwsOperation = ({ store, version }, request) => {
  // EmptyFolder (MS-OXWSFOLD): removes a folder's items. HardDelete and SoftDelete remove them from
  // the store (the sim has no dumpster); MoveToDeletedItems moves them to Deleted Items, as the
  // store's soft delete does. DeleteSubFolders with subfolders present is refused, since the shared
  // store cannot delete folders.
  const hard = attr(request, "DeleteType") !== "MoveToDeletedItems";
  const withSubFolders = attr(request, "DeleteSubFolders") === "true";
  const container = one(request, "FolderIds");
  const messages: string[] = [];
  for (const [key, nodes] of Object.entries(container ?? {})) {
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes) {
      messages.push(
        perItem("EmptyFolder", () => {
          const [id] = resolveFolders(store, { [key]: [node] });
          if (id === undefined || id === ROOT_ID) {
            return errorMessage("EmptyFolder", "ErrorCannotEmptyFolder", "This folder cannot be emptied.");
          }
          if (withSubFolders && store.childFolders(id).length > 0) {
            return errorMessage(
              "EmptyFolder",
              "ErrorCannotDeleteObject",
              "The simulator's store cannot delete subfolders.",
            );
          }
          for (const message of store.messages(id)) store.deleteMessage(message.id, { hard });
          return successMessage("EmptyFolder");
        }),
      );
    }
  }
  return operationResponse(version, "EmptyFolder", messages);
};
