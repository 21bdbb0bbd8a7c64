// TEMPORARY: @mailwire/core does not export its socket transport from the package root yet
// (packages/core/src/index.ts lacks the socket block). Until it does, tests and the typecheck
// resolve @mailwire/core here. Delete this file and the alias in vitest.config.ts/tsconfig.json then.
export * from "../../../core/src/index.js";
export * from "../../../core/src/socket/index.js";
