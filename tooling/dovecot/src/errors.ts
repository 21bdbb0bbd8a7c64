/** Dovecot (or its IMAP/POP3 login processes) is not installed; the message names the install command. */
export class DovecotUnavailableError extends Error {
  override readonly name = "DovecotUnavailableError";
  readonly installCommand: string;

  constructor(message: string, installCommand: string) {
    super(message);
    this.installCommand = installCommand;
  }
}

/** Dovecot did not come up (bad config, port clash, timeout); the message ends with its log tail. */
export class DovecotStartError extends Error {
  override readonly name = "DovecotStartError";
  readonly logTail: string;

  constructor(message: string, logTail: string, options?: { cause?: unknown }) {
    super(logTail === "" ? message : `${message}\n--- Dovecot log (tail) ---\n${logTail}`, options);
    this.logTail = logTail;
  }
}
