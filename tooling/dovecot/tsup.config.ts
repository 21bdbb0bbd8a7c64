import { packageBuild } from "@mailwire/config/tsup";
import { defineConfig } from "tsup";

// Two entries: the harness itself, and the vitest helpers (kept apart so that importing the
// harness never pulls vitest in).
export default defineConfig(packageBuild({ entry: ["src/index.ts", "src/vitest.ts"], external: ["vitest"] }));
