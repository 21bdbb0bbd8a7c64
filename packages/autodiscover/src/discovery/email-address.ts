import { InvalidArgumentError } from "@mailwire/core";

export interface EmailAddress {
  /** As given, trimmed. */
  address: string;
  localPart: string;
  /** Lower-cased DNS domain. */
  domain: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Splits an SMTP address and checks its domain is a plain multi-label DNS name. A single
 * label (`user@com`) is refused: every host we derive sits at or below the domain, and
 * `autodiscover.com` is exactly the stranger's host the Guardicore 2021 research found
 * clients sending passwords to.
 */
export function parseEmailAddress(input: string): EmailAddress {
  const address = input.trim();
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) throw new InvalidArgumentError("not an e-mail address");
  const localPart = address.slice(0, at);
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
  const labels = domain.split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    throw new InvalidArgumentError(
      `the address's domain ${JSON.stringify(domain)} is not a multi-label DNS name`,
    );
  }
  if (labels.every((label) => /^[0-9]+$/.test(label))) {
    throw new InvalidArgumentError("the address's domain is an IP address");
  }
  return { address, localPart, domain };
}

/** True when `host` is `domain` or a name below it. Never true for a parent of `domain`. */
export function isWithinDomain(host: string, domain: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === domain || name.endsWith(`.${domain}`);
}
