import type { Socket } from "node:net";
import type { Dispatcher } from "undici";
import { createSlotDispatcher, type TransportSettings } from "./dispatcher-factory.js";
import type { SlotConnection, WireRequest, WireResponse } from "./slot-connection.js";
import type { UndiciParts } from "./undici-parts.js";

/** Methods undici already keeps the connection open after, body or not. */
const PAYLOAD_METHODS: ReadonlySet<string> = new Set([
  "POST",
  "PUT",
  "PATCH",
  "QUERY",
  "PROPFIND",
  "PROPPATCH",
]);

/** A slot connection on undici: an agent limited to one Client (see dispatcher-factory.ts). */
export function createUndiciConnection(
  undici: UndiciParts,
  settings: TransportSettings,
  onSocket: (socket: Socket) => void,
): SlotConnection {
  const slot = createSlotDispatcher(undici, settings, onSocket);
  const { dispatcher } = slot;
  // undici's ProxyAgent writes a `host` into the headers object it is given; the caller's
  // (or a frozen default) must not be that object. The direct Agent only reads them.
  const ownHeaders = settings.proxy !== false;
  return {
    request: async (wire: WireRequest): Promise<WireResponse> => {
      const options: Dispatcher.RequestOptions = {
        origin: wire.origin,
        path: wire.path,
        method: wire.method as never,
        headers: ownHeaders ? { ...wire.headers } : wire.headers,
        body: wire.body as never,
        signal: wire.signal,
      };
      // undici closes the connection after a body sent with a method it does not expect one
      // for (anything but POST/PUT/PATCH/QUERY/PROPFIND/PROPPATCH), in case the server did not
      // read it. Our bodies are always length-delimited and meant to be read, and NTLM needs the
      // connection kept: RPC over HTTP authenticates RPC_OUT_DATA (body: CONN/A1) this way.
      if (wire.body !== undefined && !PAYLOAD_METHODS.has(wire.method)) options.reset = false;
      // Only requests that ask for their own timeouts pay for the extra fields.
      if (wire.headersTimeoutMs !== undefined) options.headersTimeout = wire.headersTimeoutMs;
      if (wire.bodyTimeoutMs !== undefined) options.bodyTimeout = wire.bodyTimeoutMs;
      const data = await dispatcher.request(options);
      return { statusCode: data.statusCode, headers: data.headers, body: data.body };
    },
    close: slot.close,
    destroy: slot.destroy,
  };
}
