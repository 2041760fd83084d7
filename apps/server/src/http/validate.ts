import type { z } from 'zod';
import { describeValidationError } from '@chat/shared';
import { AppError } from '../chat/app-error';

/** Parses input with a shared schema; failures become `invalid_input` with a one-line reason. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError('invalid_input', describeValidationError(result.error));
  return result.data;
}
