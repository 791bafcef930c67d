/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared here so that zod,
 * valibot, arktype and others validate channels without steadysocket depending on any of them.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema interface, under its reserved key. */
  readonly '~standard': {
    /** The spec version: 1. */
    readonly version: 1;
    /** The library that made the schema (`'zod'`, `'valibot'`, …). */
    readonly vendor: string;
    /** Checks a value; may be async. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** Type-level only: the input and output types. */
    readonly types?: {
      /** What the schema accepts. */
      readonly input: Input;
      /** What it produces. */
      readonly output: Output;
    } | undefined;
  };
}

/** A Standard Schema result: the (possibly transformed) value, or the issues. */
export type StandardResult<Output> =
  | {
      /** The validated (possibly transformed) value. */
      readonly value: Output;
      /** Absent on success. */
      readonly issues?: undefined;
    }
  | {
      /** What failed. */
      readonly issues: readonly ValidationIssue[];
    };

/** One problem found by a validator. */
export interface ValidationIssue {
  /** What is wrong, for humans. */
  readonly message: string;
  /** Where in the value, if the validator says. */
  readonly path?: ReadonlyArray<PropertyKey | {
    /** One step of the path. */
    readonly key: PropertyKey;
  }> | undefined;
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
