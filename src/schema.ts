/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared here so that zod,
 * valibot, arktype and others validate channels without steadysocket depending on any of them.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A Standard Schema result: the (possibly transformed) value, or the issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly ValidationIssue[] };

/** One problem found by a validator. */
export interface ValidationIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * A Standard Schema whose output is `T`, or a type guard for `T`. (Not any boolean
 * function: a guard for another type would then be accepted too.)
 */
export type Validator<T> = StandardSchemaV1<unknown, T> | ((value: unknown) => value is T);

/** The outcome of {@link validate}: the value to deliver, or why not. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: readonly ValidationIssue[] };

/**
 * Runs a validator. Synchronous where the validator is; a Promise only for an async
 * Standard Schema. A validator that throws counts as a failure, never as an exception.
 */
export function validate<T>(validator: Validator<T>, value: unknown): Checked<T> | Promise<Checked<T>> {
  try {
    if (typeof validator === 'function') {
      return validator(value) === true ? { ok: true, value: value as T } : { ok: false, issues: [{ message: 'rejected by the type guard' }] };
    }
    const result = validator['~standard'].validate(value);
    // A thenable, not `instanceof Promise`: a promise from another realm (an iframe, a vm) is one too.
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(result).then(toChecked, thrown);
    }
    return toChecked(result as StandardResult<T>);
  } catch (error) {
    return thrown(error);
  }
}

function toChecked<T>(result: StandardResult<T>): Checked<T> {
  if (typeof result !== 'object' || result === null) return { ok: false, issues: [{ message: 'the validator returned no result' }] };
  return result.issues ? { ok: false, issues: result.issues } : { ok: true, value: result.value };
}

function thrown(error: unknown): Checked<never> {
  return { ok: false, issues: [{ message: `the validator threw: ${error instanceof Error ? error.message : String(error)}` }] };
}
