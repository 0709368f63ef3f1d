import { z } from 'zod';

/** X-Request-Id and X-Application-Id values the API accepts and echoes. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const RequestIdSchema = z
  .string()
  .regex(ID_PATTERN, '1-128 characters among A-Z a-z 0-9 . _ : -');
