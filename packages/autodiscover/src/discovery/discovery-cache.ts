import { InvalidArgumentError } from "@mailwire/core";
import type { ExchangeSettings } from "../settings.js";
import type { SettingsEndpoint } from "./context.js";

/**
 * Remembers, per domain, which endpoint answered (so the next user of that domain is asked
 * there first, alone) and, per address, the settings found. Entries expire after `ttlMs`.
 * One cache can be shared by many discover() calls; none exists unless the caller makes one.
 */
export interface DiscoveryCache {
  getEndpoint(domain: string): SettingsEndpoint | undefined;
  setEndpoint(domain: string, endpoint: SettingsEndpoint): void;
  getSettings(address: string): ExchangeSettings | undefined;
  setSettings(address: string, settings: ExchangeSettings): void;
  /** Forgets a domain's endpoint (e.g. after it failed) and every address under it. */
  invalidate(domain: string): void;
  clear(): void;
}

export interface DiscoveryCacheOptions {
  /** Default 1 hour, the lifetime Outlook gives an Autodiscover result before it asks again. */
  ttlMs?: number | undefined;
  /** Oldest entries are dropped beyond this. Default 1,000. */
  maxEntries?: number | undefined;
  now?: (() => number) | undefined;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export function createDiscoveryCache(options: DiscoveryCacheOptions = {}): DiscoveryCache {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const maxEntries = options.maxEntries ?? 1_000;
  if (!(ttlMs > 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidArgumentError("ttlMs must be positive and maxEntries a positive integer");
  }
  const now = options.now ?? Date.now;
  const endpoints = new Map<string, Entry<SettingsEndpoint>>();
  const settings = new Map<string, Entry<ExchangeSettings>>();

  const get = <T>(map: Map<string, Entry<T>>, key: string): T | undefined => {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  };
  const set = <T>(map: Map<string, Entry<T>>, key: string, value: T) => {
    map.delete(key);
    map.set(key, { value, expiresAt: now() + ttlMs });
    while (map.size > maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };
  const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

  return {
    getEndpoint: (domain) => get(endpoints, domain.toLowerCase()),
    setEndpoint: (domain, endpoint) => set(endpoints, domain.toLowerCase(), endpoint),
    getSettings: (address) => get(settings, address.toLowerCase()),
    setSettings: (address, value) => set(settings, address.toLowerCase(), value),
    invalidate(domain) {
      const key = domain.toLowerCase();
      endpoints.delete(key);
      for (const address of [...settings.keys()]) if (domainOf(address) === key) settings.delete(address);
    },
    clear() {
      endpoints.clear();
      settings.clear();
    },
  };
}
