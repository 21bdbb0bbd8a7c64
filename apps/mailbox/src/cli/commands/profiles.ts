import { InvalidArgumentError } from "@mailwire/core";
import { publicProfile } from "../../profile/profile.js";
import type { Command } from "../command.js";
import { ExitCode } from "../exit-codes.js";

export const profilesCommand: Command = {
  name: "profiles",
  summary: "list saved profiles; `profiles show [name]`, `profiles remove <name>`",
  usage: `mailbox profiles                 list (the default is marked *)
mailbox profiles show [name]     one profile, without its password
mailbox profiles remove <name>   forget it and its local store`,
  positionals: [0, 2],
  options: {},
  async run(context, _values, [action, name]) {
    const { profiles, out } = context;
    if (action === undefined) {
      const names = await profiles.list();
      const chosen = await profiles.defaultName();
      for (const n of names) out.text(`${n === chosen ? "*" : " "} ${n}`);
      if (names.length === 0) out.note("no profiles yet: mailbox connect <email>");
      out.document({ type: "profiles", default: chosen ?? null, profiles: names, home: profiles.home });
      return ExitCode.OK;
    }
    if (action === "show") {
      const shown = publicProfile(await profiles.load(name ?? context.global.profile));
      out.text(JSON.stringify(shown, null, 2));
      out.document({ type: "profile", profile: shown });
      return ExitCode.OK;
    }
    if (action === "remove" && name) {
      await profiles.remove(name);
      out.text(`Removed ${name}.`);
      out.document({ type: "profile-removed", name });
      return ExitCode.OK;
    }
    throw new InvalidArgumentError("profiles takes no argument, show [name], or remove <name>");
  },
};
