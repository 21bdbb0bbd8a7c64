#!/usr/bin/env node
// The `mailbox` CLI; commands arrive with the adapters.
process.stderr.write("mailbox: not built yet\n");
process.exitCode = 1;
