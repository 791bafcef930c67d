import { messageOf } from './message-of';

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

/**
 * The outcome of {@link validate}, in the Standard Schema's own shape: the value to
 * deliver, or (`issues` present) why not.
 */
export type Checked<T> = StandardResult<T>;

/**
 * Runs a validator. Synchronous where the validator is; a Promise only for an async
 * Standard Schema. A validator that throws counts as a failure, never as an exception.
 */
export function validate<T>(validator: Validator<T>, value: unknown): Checked<T> | Promise<Checked<T>> {
  try {
    if (typeof validator === 'function') return validator(value) === true ? { value } : failure('rejected by the type guard');
    const result = validator['~standard'].validate(value);
    // A thenable, not `instanceof Promise`: a promise from another realm (an iframe, a vm) is one too.
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(result).then(checked, thrown);
    }
    return checked(result as StandardResult<T>);
  } catch (error) {
    return thrown(error);
  }
}

/** Read once, here (under the caller's guard: a result's getters may throw); anything but an object is a failure. */
function checked<T>(result: StandardResult<T>): Checked<T> {
  if (typeof result !== 'object' || result === null) return failure('the validator returned no result');
  return result.issues ? { issues: result.issues } : { value: result.value };
}

function thrown(error: unknown): Checked<never> {
  return failure(`the validator threw: ${messageOf(error)}`);
}

function failure(message: string): Checked<never> {
  return { issues: [{ message }] };
}
