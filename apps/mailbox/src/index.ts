export * from "./mailbox.js";
