// Public surface of @mailwire/dovecot-harness (private test tooling, never published).
export {
  DOVECOT_INSTALL_COMMAND,
  type DovecotAvailability,
  type DovecotRequirement,
  dovecotAvailability,
  isCi,
  requireDovecot,
} from "./availability.js";
export type { DovecotPorts } from "./dovecot-config.js";
export { DovecotStartError, DovecotUnavailableError } from "./errors.js";
export {
  encodeModifiedUtf7,
  mailboxName,
  maildirFlags,
  maildirFolderDirectory,
  specialUseAttribute,
} from "./maildir.js";
export type { MailboxSeed, SeedFlags, SeedFolder, SeedMessage, SeedUser } from "./seed.js";
export { type DovecotServer, type StartDovecotOptions, startDovecot } from "./start-dovecot.js";
export type { DovecotUser, DovecotUserRole } from "./users.js";
