// Typed application errors. Services throw these; server/api/trpc.ts maps them to tRPC codes
// in one place, and the CLI prints `message` as it is.
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** the input field at fault, e.g. "settings.retryOtherMinutes" */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, field?: string) => new AppError('BAD_REQUEST', message, field);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const precondition = (message: string) => new AppError('PRECONDITION_FAILED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
