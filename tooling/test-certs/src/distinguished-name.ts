// selfsigned joins the subject into one "CN=..., O=..." string that @peculiar/x509 parses again,
// so a value containing a separator would silently turn into other attributes.
const NAME_SEPARATORS = /[,=+;"\\<>#\n]/;

/** Returns `value`, or throws when it would not survive selfsigned's subject string. */
export function nameValue(field: string, value: string): string {
  if (value === "" || NAME_SEPARATORS.test(value)) {
    throw new TypeError(
      `${field} must be non-empty without , = + ; " \\ < > # or newlines, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
