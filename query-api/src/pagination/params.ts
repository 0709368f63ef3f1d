import { ArianeError } from '../../../core/src/errors.js';
import { MAX_RESULT_WINDOW, type PaginationQuery } from '../contract/pagination.js';

/** $offset + $limit past the result window is more than the service accepts: 413. */
export function assertWithinResultWindow({ $limit, $offset }: PaginationQuery): void {
  if ($offset + $limit > MAX_RESULT_WINDOW)
    throw new ArianeError('ARIANE_RESULT_TOO_LARGE', undefined, [
      {
        field: 'querystring.$offset',
        issue: `$offset + $limit must not exceed ${MAX_RESULT_WINDOW}`,
      },
    ]);
}
