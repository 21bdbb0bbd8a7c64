import type { RouteContext } from "../http/router.js";
import type { AutodiscoverControl } from "./autodiscover-control.js";
import type { SimEndpoints } from "./sim-endpoints.js";

// GET /autodiscover/autodiscover.json?Email=...&Protocol=... (Autodiscover v2, anonymous).
// No Microsoft specification exists; this mirrors what Exchange Online answers.

const PROTOCOL_PATHS: Readonly<Record<string, string>> = {
  autodiscoverv1: "/autodiscover/autodiscover.xml",
  ews: "/EWS/Exchange.asmx",
};

export function v2Handler(control: AutodiscoverControl, endpoints: () => SimEndpoints) {
  return ({ req, url, json }: RouteContext) => {
    const emailAddress = url.searchParams.get("Email") ?? "";
    const protocol = url.searchParams.get("Protocol") ?? "";
    control.requests.push({ endpoint: "v2", emailAddress, headers: { ...req.headers } });
    const path = PROTOCOL_PATHS[protocol.toLowerCase()];
    if (emailAddress === "" || path === undefined) {
      json(400, {
        ErrorCode: "InvalidProtocol",
        ErrorMessage: `The given protocol value '${protocol}' is invalid.`,
      });
      return;
    }
    json(200, { Protocol: protocol, Url: `${endpoints().origin}${path}` });
  };
}
