import { packageTests } from "@mailwire/config/vitest";
import { defineConfig } from "vitest/config";

export default defineConfig(packageTests());
