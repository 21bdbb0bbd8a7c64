import { pathElement, type XmlElement } from "../xml/xml-element.js";

// RequestServerVersion values (MS-OXWSCDATA 2.2.5.x ExchangeVersionType), oldest first. A
// request names the schema it speaks; the server answers with ServerVersionInfo (2.2.3.x), whose
// Version attribute (Exchange 2010 and later) names the schema it will accept.
export const ExchangeVersion = [
  "Exchange2007",
  "Exchange2007_SP1",
  "Exchange2010",
  "Exchange2010_SP1",
  "Exchange2010_SP2",
  "Exchange2013",
  "Exchange2013_SP1",
  "Exchange2016",
] as const;
export type ExchangeVersion = (typeof ExchangeVersion)[number];

export interface ServerVersionInfo {
  majorVersion: number;
  minorVersion: number;
  majorBuildNumber: number;
  minorBuildNumber: number;
  /** The Version attribute when sent, else derived from the build numbers. */
  version: ExchangeVersion | undefined;
}

export function isExchangeVersion(value: string): value is ExchangeVersion {
  return (ExchangeVersion as readonly string[]).includes(value);
}

export function compareVersions(a: ExchangeVersion, b: ExchangeVersion): number {
  return ExchangeVersion.indexOf(a) - ExchangeVersion.indexOf(b);
}

/** The schema a server of this build speaks (Exchange 2007 servers send no Version attribute). */
export function versionFromBuild(
  major: number,
  minor: number,
  majorBuild: number,
): ExchangeVersion | undefined {
  if (major === 8) return minor === 0 ? "Exchange2007" : "Exchange2007_SP1";
  if (major === 14)
    return minor === 0 ? "Exchange2010" : minor === 1 ? "Exchange2010_SP1" : "Exchange2010_SP2";
  if (major === 15 && minor === 0) return majorBuild >= 847 ? "Exchange2013_SP1" : "Exchange2013";
  if (major >= 15) return "Exchange2016";
  return undefined;
}

/** Reads ServerVersionInfo from a response's soap:Header, if present. */
export function readServerVersion(envelope: XmlElement): ServerVersionInfo | undefined {
  const info = pathElement(envelope, "Header", "ServerVersionInfo");
  if (info === undefined) return undefined;
  const number = (name: string) => {
    const value = Number(info.attributes[name]);
    return Number.isInteger(value) ? value : 0;
  };
  const majorVersion = number("MajorVersion");
  const minorVersion = number("MinorVersion");
  const majorBuildNumber = number("MajorBuildNumber");
  const declared = info.attributes.Version;
  // Exchange Online sends values such as "V2018_01_08": newer than anything we know.
  const version =
    declared !== undefined && isExchangeVersion(declared)
      ? declared
      : declared?.startsWith("V2")
        ? "Exchange2016"
        : versionFromBuild(majorVersion, minorVersion, majorBuildNumber);
  return {
    majorVersion,
    minorVersion,
    majorBuildNumber,
    minorBuildNumber: number("MinorBuildNumber"),
    version,
  };
}

/**
 * The version to request after learning the server's: never more than what the server speaks,
 * never more than the caller asked for.
 */
export function negotiateVersion(
  requested: ExchangeVersion,
  server: ServerVersionInfo | undefined,
): ExchangeVersion {
  if (server?.version === undefined) return requested;
  return compareVersions(server.version, requested) < 0 ? server.version : requested;
}

/** The next older schema to try after ErrorInvalidServerVersion, or undefined at the oldest. */
export function olderVersion(version: ExchangeVersion): ExchangeVersion | undefined {
  const index = ExchangeVersion.indexOf(version);
  return index > 0 ? ExchangeVersion[index - 1] : undefined;
}
