import { isMailwireError } from "@mailwire/core";
import type { MailboxStep } from "../../errors.js";

/** Which connect phase an error belongs to: a refused or impossible login is `authenticate`. */
export function connectStep(error: unknown): MailboxStep {
  if (error instanceof Error && "step" in error && typeof error.step === "string")
    return error.step as MailboxStep;
  return isMailwireError(error) && error.code.startsWith("MW_AUTH") ? "authenticate" : "connect";
}
