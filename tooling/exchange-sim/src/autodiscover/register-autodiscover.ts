import { randomUUID } from "node:crypto";
import type { SimCredentials } from "../auth/credentials.js";
import { dnsDomain } from "../auth/credentials.js";
import type { Router } from "../http/router.js";
import { type AutodiscoverControl, createAutodiscoverControl } from "./autodiscover-control.js";
import { poxHandler } from "./pox-route.js";
import type { SimEndpoints } from "./sim-endpoints.js";
import { soapHandler } from "./soap-route.js";
import { v2Handler } from "./v2-route.js";

/**
 * Adds the Autodiscover endpoints: POX and SOAP behind the sim's authentication, v2 JSON
 * anonymous (as Exchange Online serves it). `origin` is read per request because the port
 * is only known after listen().
 */
export function registerAutodiscover(
  router: Router,
  options: { origin: () => string; credentials: SimCredentials },
): AutodiscoverControl {
  const control = createAutodiscoverControl(randomUUID());
  const domain = dnsDomain(options.credentials);
  const endpoints = (): SimEndpoints => {
    const origin = options.origin();
    return {
      origin,
      host: new URL(origin).host,
      displayName: options.credentials.username,
      legacyDn: `/o=Mailwire/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${options.credentials.username}`,
      mailboxGuid: control.mailboxGuid,
      dnsDomain: domain,
    };
  };
  router.add("POST", "/autodiscover/autodiscover.xml", poxHandler(control, endpoints));
  router.add("POST", "/autodiscover/autodiscover.svc", soapHandler(control, endpoints));
  router.add("GET", "/autodiscover/autodiscover.json", v2Handler(control, endpoints), { auth: false });
  return control;
}
