import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthenticatedUser, AuthScheme } from "../auth/credentials.js";
import type { MailboxStore } from "../store/mailbox-store.js";

// Where protocol modules (EWS, MAPI/HTTP, Autodiscover, RPC/HTTP) plug in. Paths match without
// regard to case, as IIS does; a trailing "*" matches any rest of the path.

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Undefined only on routes registered with `auth: false`. */
  user: AuthenticatedUser | undefined;
  store: MailboxStore;
  /** The whole request body (routes that stream should read `req` themselves instead). */
  body(): Promise<Buffer>;
  /** Sends a JSON response. */
  json(status: number, value: unknown): void;
}

export type RouteHandler = (context: RouteContext) => void | Promise<void>;

export interface RouteOptions {
  /** Default true: the sim's authentication runs first. */
  auth?: boolean;
  /** Schemes accepted on this route; defaults to the sim-wide setting. */
  schemes?: AuthScheme[];
}

export interface Route {
  method: string;
  path: string;
  handler: RouteHandler;
  options: RouteOptions;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    this.#routes.push({ method: method.toUpperCase(), path: path.toLowerCase(), handler, options });
  }

  match(method: string, pathname: string): Route | "method-not-allowed" | undefined {
    const lower = pathname.toLowerCase();
    const candidates = this.#routes.filter((r) =>
      r.path.endsWith("*") ? lower.startsWith(r.path.slice(0, -1)) : lower === r.path,
    );
    if (candidates.length === 0) return undefined;
    return candidates.find((r) => r.method === method || r.method === "*") ?? "method-not-allowed";
  }
}
