import type { FixtureAddress } from "@mailwire/fixtures";
import type { MailboxStore } from "../store/mailbox-store.js";
import type { EwsOperation } from "./ews-operation.js";
import { errorMessage, one, operationResponse, path, successMessage, text, x } from "./ews-xml.js";

// ExpandDL (MS-OXWSDLIST): the sim's directory has two public distribution lists in the mailbox
// owner's domain. everyone@ holds every address the store knows (the owner and everyone in its
// messages, as ResolveNames sees them) plus the list team@ as a nested PublicDL; team@ holds the
// owner. Anything else is ErrorNameResolutionNoResults; private lists (contact groups, by item id)
// are not modelled.

function people(store: MailboxStore): FixtureAddress[] {
  const known = new Map<string, FixtureAddress>();
  known.set(store.user.address.toLowerCase(), { address: store.user.address, name: store.user.username });
  for (const message of store.messages()) {
    for (const address of [message.fixture.from, ...message.fixture.to, ...message.fixture.cc]) {
      const key = address.address.toLowerCase();
      if (!known.has(key)) known.set(key, address);
    }
  }
  return [...known.values()];
}

const member = (address: FixtureAddress, type: string) =>
  `<t:Mailbox><t:Name>${x(address.name ?? address.address)}</t:Name><t:EmailAddress>${x(address.address)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>${type}</t:MailboxType></t:Mailbox>`;

export const expandDL: EwsOperation = ({ store, version }, request) => {
  const domain = store.user.address.split("@")[1] ?? "";
  const address = text(path(request, "Mailbox", "EmailAddress")).toLowerCase();
  const team = { address: `team@${domain}`, name: "Team" };
  let members: string[] | undefined;
  if (one(one(request, "Mailbox"), "ItemId") === undefined) {
    if (address === `everyone@${domain}`) {
      members = [...people(store).map((p) => member(p, "Mailbox")), member(team, "PublicDL")];
    } else if (address === team.address) {
      members = [member({ address: store.user.address, name: store.user.username }, "Mailbox")];
    }
  }
  if (members === undefined) {
    return operationResponse(version, "ExpandDL", [
      errorMessage("ExpandDL", "ErrorNameResolutionNoResults", "No results were found."),
    ]);
  }
  return operationResponse(version, "ExpandDL", [
    successMessage(
      "ExpandDL",
      `<m:DLExpansion TotalItemsInView="${members.length}" IncludesLastItemInRange="true">${members.join("")}</m:DLExpansion>`,
    ),
  ]);
};
