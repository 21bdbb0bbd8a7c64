import type { ConnectedInfo, HttpClient, HttpRequest } from "@mailwire/core";
import type { RoundContext } from "./context.js";

/**
 * A client that tells `connected` when any of its requests got a connection (core's
 * HttpRequest.onConnected), so the priority race can tell a better candidate that reached its
 * server from one still stuck in its connect. A client passed in `httpClient` or made by
 * `createHttpClient` must pass `onConnected` on for this; core's does.
 */
function reportingClient(client: HttpClient, connected: () => void): HttpClient {
  const withReport = (request: HttpRequest): HttpRequest => {
    const own = request.onConnected;
    return {
      ...request,
      onConnected:
        own === undefined
          ? connected
          : (connection: ConnectedInfo) => {
              connected();
              own(connection);
            },
    };
  };
  return {
    request: (request) => client.request(withReport(request)),
    close: () => client.close(),
    destroy: () => client.destroy(),
    [Symbol.asyncDispose]: () => client.close(),
  };
}

/** The round's context for one candidate, whose HTTP requests report their connects. */
export function reportingConnects(context: RoundContext, connected: () => void): RoundContext {
  return {
    ...context,
    authenticated: reportingClient(context.authenticated, connected),
    anonymous: reportingClient(context.anonymous, connected),
  };
}
