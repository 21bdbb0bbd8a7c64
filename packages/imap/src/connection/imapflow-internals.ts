import type { ImapFlow } from "imapflow";

/** One attribute of a command as imapflow's compiler takes it. */
export interface ImapflowAttribute {
  readonly type: "ATOM" | "STRING" | "TEXT";
  readonly value: string;
  /** imapflow masks these in its logs. */
  readonly sensitive?: boolean;
}

export interface ImapflowContinuation {
  readonly attributes?: readonly { readonly type?: string; readonly value?: unknown }[];
}

/**
 * The members of an ImapFlow instance that are not in its type declarations but that mailwire
 * relies on to run SASL mechanisms imapflow does not implement, and to keep ID off plaintext
 * connections. Kept in this one file so an imapflow upgrade has one place to check;
 * `assertInternals` fails loudly (not silently insecurely) if any of them disappears.
 * See README "Why a hook into imapflow".
 */
export interface ImapflowInternals {
  capabilities: Map<string, unknown>;
  secureConnection: boolean;
  authenticated: unknown;
  /** Makes setAuthenticationState() ask for CAPABILITY again when the login OK carried none. */
  expectCapabilityUpdate: boolean;
  state: unknown;
  readonly states: { readonly NOT_AUTHENTICATED: unknown };
  exec(
    command: string,
    attributes: readonly ImapflowAttribute[],
    options?: { onPlusTag?: (response: ImapflowContinuation) => Promise<void> },
  ): Promise<{ response: unknown; next: () => void }>;
  write(chunk: string): void;
  authenticate(): Promise<boolean>;
  setAuthenticationState(): Promise<void>;
  run(command: string, ...args: unknown[]): Promise<unknown>;
}

export function internalsOf(client: ImapFlow): ImapflowInternals {
  return client as unknown as ImapflowInternals;
}

const REQUIRED_METHODS = ["exec", "write", "authenticate", "setAuthenticationState", "run"] as const;

export function assertInternals(client: ImapFlow): ImapflowInternals {
  const internals = internalsOf(client);
  for (const name of REQUIRED_METHODS) {
    if (typeof internals[name] !== "function") {
      throw new TypeError(
        `This imapflow version lacks ImapFlow#${name}, which @mailwire/imap needs for its SASL and TLS policy; install a supported imapflow 2.x`,
      );
    }
  }
  if (
    !(internals.capabilities instanceof Map) ||
    typeof internals.states !== "object" ||
    typeof internals.expectCapabilityUpdate !== "boolean"
  ) {
    throw new TypeError(
      "This imapflow version has an unexpected internal layout; install a supported imapflow 2.x",
    );
  }
  return internals;
}
