import { RedirectRefusedError } from "@mailwire/core";
import { isWithinDomain } from "./email-address.js";

export type ConfirmRedirect = (url: URL) => boolean | Promise<boolean>;

/**
 * Decides where credentials may go (MS-OXDSCLI 3.1.5.4 tells clients to validate a redirect
 * before sending credentials; the Guardicore 2021 leak shows why): only https, and only to
 * hosts at or below a trusted domain, or to an origin the caller's `confirmRedirect`
 * approved. Trusted domains are the address's domain plus any domain a trusted server named
 * in a redirectAddr. The callback is asked once per origin per discovery.
 */
export class CredentialGate {
  readonly #trustedDomains = new Set<string>();
  readonly #decisions = new Map<string, Promise<boolean>>();
  readonly #confirm: ConfirmRedirect | undefined;

  constructor(domain: string, confirm: ConfirmRedirect | undefined) {
    this.#trustedDomains.add(domain);
    this.#confirm = confirm;
  }

  trustDomain(domain: string): void {
    this.#trustedDomains.add(domain);
  }

  isTrustedHost(host: string): boolean {
    for (const domain of this.#trustedDomains) if (isWithinDomain(host, domain)) return true;
    return false;
  }

  /** Resolves when credentials may be sent to `url`, else throws RedirectRefusedError. */
  async check(url: URL): Promise<void> {
    if (url.protocol !== "https:") {
      throw new RedirectRefusedError(`credentials are only sent over https, not to ${url.origin}`, {
        details: { url: url.href, reason: "not-https" },
      });
    }
    if (this.isTrustedHost(url.hostname)) return;
    let decision = this.#decisions.get(url.origin);
    if (decision === undefined) {
      const confirm = this.#confirm;
      decision =
        confirm === undefined
          ? Promise.resolve(false)
          : Promise.resolve(confirm(new URL(url.href))).then(
              (ok) => ok === true,
              () => false,
            );
      this.#decisions.set(url.origin, decision);
    }
    if (!(await decision)) {
      throw new RedirectRefusedError(
        `${url.hostname} is outside the user's domain and was not approved by confirmRedirect`,
        {
          details: { url: url.href, reason: "foreign-host" },
        },
      );
    }
  }
}
