import type { FixtureAddress } from "@mailwire/fixtures";
import type { EwsOperation } from "./ews-operation.js";
import { attr, errorMessage, one, operationResponse, text, x } from "./ews-xml.js";

// ResolveNames (MS-OXWSRSLNM): the sim's "directory" is the mailbox owner plus every address
// seen in the store's messages; an entry matches a name or address by prefix, case-insensitively.

export const resolveNames: EwsOperation = ({ store, version }, request) => {
  const entry = text(one(request, "UnresolvedEntry"))
    .toLowerCase()
    .replace(/^smtp:/, "");
  const full = attr(request, "ReturnFullContactData") === "true";
  const people = new Map<string, FixtureAddress>();
  people.set(store.user.address.toLowerCase(), { address: store.user.address, name: store.user.username });
  for (const message of store.messages()) {
    for (const address of [message.fixture.from, ...message.fixture.to, ...message.fixture.cc]) {
      const key = address.address.toLowerCase();
      if (!people.has(key) || (address.name && !people.get(key)?.name)) people.set(key, address);
    }
  }
  const matches = [...people.values()].filter(
    (p) =>
      entry !== "" &&
      (p.address.toLowerCase().startsWith(entry) ||
        (p.name ?? "")
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word.startsWith(entry)) ||
        (p.name ?? "").toLowerCase().startsWith(entry)),
  );
  if (matches.length === 0) {
    return operationResponse(version, "ResolveNames", [
      errorMessage("ResolveNames", "ErrorNameResolutionNoResults", "No results were found."),
    ]);
  }
  const resolutions = matches
    .map(
      (p) =>
        `<t:Resolution><t:Mailbox><t:Name>${x(p.name ?? p.address)}</t:Name><t:EmailAddress>${x(p.address)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>${full ? `<t:Contact><t:DisplayName>${x(p.name ?? p.address)}</t:DisplayName></t:Contact>` : ""}</t:Resolution>`,
    )
    .join("");
  const single = matches.length === 1;
  const message = `<m:ResolveNamesResponseMessage ResponseClass="${single ? "Success" : "Warning"}">${single ? "" : "<m:MessageText>Multiple results were found.</m:MessageText>"}<m:ResponseCode>${single ? "NoError" : "ErrorNameResolutionMultipleResults"}</m:ResponseCode>${single ? "" : "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"}<m:ResolutionSet TotalItemsInView="${matches.length}" IncludesLastItemInRange="true">${resolutions}</m:ResolutionSet></m:ResolveNamesResponseMessage>`;
  return operationResponse(version, "ResolveNames", [message]);
};
