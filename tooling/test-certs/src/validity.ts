import { X509Certificate } from "node:crypto";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A CA outlives what it issues, so a long-running test or simulator never sees it expire first. */
export const DEFAULT_CA_VALID_FOR_MS = 30 * DAY_MS;
/** Long enough for a simulator left running over a weekend. */
export const DEFAULT_CERTIFICATE_VALID_FOR_MS = 7 * DAY_MS;
/**
 * notBefore lies this far in the past, so a peer whose clock runs a little behind (a container, a VM
 * after resume, Dovecot's login process) still accepts a certificate made a moment ago.
 */
export const BACKDATE_MS = HOUR_MS;

export interface Validity {
  readonly notBeforeDate: Date;
  readonly notAfterDate: Date;
}

function checkDuration(validForMs: number): void {
  if (!Number.isFinite(validForMs) || validForMs <= 0) {
    throw new RangeError(`validForMs must be a positive number of milliseconds, got ${validForMs}`);
  }
}

export function caValidity(validForMs: number, now = Date.now()): Validity {
  checkDuration(validForMs);
  return { notBeforeDate: new Date(now - BACKDATE_MS), notAfterDate: new Date(now + validForMs) };
}

/** From an hour ago to `validForMs` from now, but never past the issuing CA's own notAfter. */
export function issuedValidity(validForMs: number, caPem: string, now = Date.now()): Validity {
  checkDuration(validForMs);
  const caNotAfter = Date.parse(new X509Certificate(caPem).validTo);
  return {
    notBeforeDate: new Date(now - BACKDATE_MS),
    notAfterDate: new Date(Math.min(now + validForMs, caNotAfter)),
  };
}
