import { packageBuild } from "@mailwire/config/tsup";
import { defineConfig } from "tsup";

// The CLI is its own entry so `node dist/cli.js` runs the simulator standalone.
export default defineConfig(packageBuild({ entry: ["src/index.ts", "src/cli.ts"] }));
