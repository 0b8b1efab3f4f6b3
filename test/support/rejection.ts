import { expect } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';

/** The TerraFixError `promise` rejects with (the test fails when it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<TerraFixError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TerraFixError);
  return error as TerraFixError;
}
