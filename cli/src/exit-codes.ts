/** What `ariane` exits with, so scripts can tell failures apart. Listed in `--help`. */
export const EXIT = {
  ok: 0,
  /** The API answered an error, or could not be reached. */
  error: 1,
  /** Bad command line: unknown command or option, missing or invalid argument. */
  usage: 2,
  notFound: 3,
  /** 401: missing, invalid or insufficient credentials, or a tenant the token does not grant. */
  auth: 4,
  /** The anonymisation operation ended in `failed`. */
  operationFailed: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the API answered an error or could not be reached
  2  usage error (unknown command or option, invalid argument)
  3  not found (unknown request, session or operation)
  4  authentication or authorisation refused (401)
  5  the anonymisation operation ended in failure`;

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return EXIT.notFound;
  if (status === 401 || status === 403) return EXIT.auth;
  return EXIT.error;
}
