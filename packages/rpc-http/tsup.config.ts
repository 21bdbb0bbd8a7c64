import { packageBuild } from "@mailwire/config/tsup";
import { defineConfig } from "tsup";

export default defineConfig(packageBuild());
