/**
 * Bad command-line input that the CLI itself rejects: names the input and the rule it broke, so the one
 * stderr line tells the user what to fix. Exit code 2.
 */
export class UsageError extends Error {
  readonly _tag = "UsageError" as const;
  constructor(
    /** The offending input, as typed (never an API key). */
    readonly input: string,
    /** The rule it broke, phrased as what is expected. */
    readonly rule: string,
  ) {
    super(`${input}: ${rule}`);
    this.name = "UsageError";
  }
}

/**
 * Something named on the command line does not exist on the device (e.g. a switch number the device does not
 * have). The CLI's own error, distinct from resilience's `NotFound` (a 404 from the service); exit code 4 too.
 */
export class MissingEntityError extends Error {
  readonly _tag = "MissingEntityError" as const;
  constructor(message: string) {
    super(message);
    this.name = "MissingEntityError";
  }
}
