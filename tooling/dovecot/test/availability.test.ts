import { describe, expect, it } from "vitest";
import { DOVECOT_INSTALL_COMMAND, dovecotAvailability, isCi, requireDovecot } from "../src/availability.js";

const missing = { PATH: "", MAILWIRE_DOVECOT_BIN: "/nonexistent/dovecot" };

describe("availability policy", () => {
  it("reads CI like CI systems set it", () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "1" })).toBe(true);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(isCi({ CI: "" })).toBe(false);
    expect(isCi({})).toBe(false);
  });

  it("names the install command when Dovecot is missing", () => {
    const availability = dovecotAvailability(missing);
    expect(availability.available).toBe(false);
    expect(availability.reason).toContain(DOVECOT_INSTALL_COMMAND);
    expect(availability.reason).toContain("/nonexistent/dovecot");
  });

  const installed = dovecotAvailability();
  it.skipIf(!installed.available)("needs no openssl CLI: the certificates are made in-process", () => {
    // An empty PATH hides openssl; the Dovecot binary is given directly.
    const availability = dovecotAvailability({ PATH: "", MAILWIRE_DOVECOT_BIN: installed.dovecotPath ?? "" });
    expect(availability).toMatchObject({ available: true, reason: "" });
  });

  it("skips locally but never under CI", () => {
    const local = requireDovecot(missing, { warn: false });
    expect(local.skip).toBe(true);
    expect(local.reason).toContain("apt-get install -y dovecot-imapd dovecot-pop3d");
    const ci = requireDovecot({ ...missing, CI: "true" }, { warn: false });
    expect(ci.skip).toBe(false);
    expect(ci.reason).toContain("apt-get install -y dovecot-imapd dovecot-pop3d");
  });
});
