import type { ViteUserConfig } from "vitest/config";
export declare function packageTests(overrides?: NonNullable<ViteUserConfig["test"]>): ViteUserConfig;
