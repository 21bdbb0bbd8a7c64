import type { ParseArgsConfig } from "node:util";
import type { CommandContext } from "./context.js";
import type { ExitCode } from "./exit-codes.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  readonly name: string;
  /** One line for `mailbox --help`. */
  readonly summary: string;
  /** `mailbox <name> ...` usage, with the options explained. */
  readonly usage: string;
  readonly options: OptionSpec;
  /** Exactly how many positionals (min, max). */
  readonly positionals: readonly [number, number];
  run(context: CommandContext, values: OptionValues, positionals: string[]): Promise<ExitCode>;
}

export const str = (values: OptionValues, name: string): string | undefined => {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
};

export const strs = (values: OptionValues, name: string): string[] => {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

export const bool = (values: OptionValues, name: string): boolean => values[name] === true;
