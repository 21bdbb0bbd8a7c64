import { type HttpResponse, HttpStatusError } from "@mailwire/core";

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export function headerOf(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Discards the body (so the connection can be reused) and describes an unexpected status. */
export async function unexpectedStatus(response: HttpResponse, url: URL): Promise<HttpStatusError> {
  await response.body.dump().catch(() => undefined);
  return new HttpStatusError(`${url.origin}${url.pathname} answered HTTP ${response.statusCode}`, {
    statusCode: response.statusCode,
  });
}
