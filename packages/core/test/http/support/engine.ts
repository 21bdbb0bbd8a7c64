import {
  createHttpClient as createClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpEngine,
} from "../../../src/http/index.js";

/**
 * The engine this run of the HTTP tests uses. vitest.config.ts runs test/http once per
 * engine (MW_TEST_HTTP_ENGINE), so every behaviour is checked on undici and on node:http.
 */
export const engine: HttpEngine = process.env.MW_TEST_HTTP_ENGINE === "node" ? "node" : "undici";

/** core's createHttpClient on this run's engine (a test that names an engine keeps it). */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return createClient({ engine, ...options });
}
