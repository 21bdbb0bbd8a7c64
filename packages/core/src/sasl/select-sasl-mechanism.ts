import { chooseSaslMechanism, type SaslSelectionOptions } from "./choose-sasl-mechanism.js";
import { createSaslMechanism, type SaslMechanismOptions } from "./create-sasl-mechanism.js";
import type { SaslMechanism } from "./sasl-mechanism.js";

/** Chooses as chooseSaslMechanism does and creates the mechanism object for this attempt. */
export function selectSaslMechanism(options: SaslSelectionOptions & SaslMechanismOptions): SaslMechanism {
  return createSaslMechanism(chooseSaslMechanism(options), options.credentials, options);
}
