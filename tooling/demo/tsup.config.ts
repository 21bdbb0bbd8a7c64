import { packageBuild } from "@mailwire/config/tsup";
import { defineConfig } from "tsup";

// A private CLI, never imported: one ESM entry, no CJS twin and no type declarations.
export default defineConfig(packageBuild({ entry: ["src/cli.ts"], format: ["esm"], dts: false }));
