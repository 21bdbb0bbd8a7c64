import { packageBuild } from "@mailwire/config/tsup";
import { defineConfig } from "tsup";

// A private app: the library entry (for the demo and tests) and the CLI, ESM only.
export default defineConfig(packageBuild({ entry: ["src/index.ts", "src/cli.ts"], format: ["esm"] }));
