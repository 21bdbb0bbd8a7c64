/** The logger hook: any object with these methods (pino, console, winston adapters fit). */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info?(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error?(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

const noop = () => {};

/** The default: quiet. Diagnostics still flow through diagnostics_channel for subscribers. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
