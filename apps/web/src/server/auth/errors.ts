import { AppError } from '@pgvigil/db';

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first, or send an API token as "Authorization: Bearer <token>".') {
    super('unauthorized', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message: string, hint?: string) {
    super('forbidden', message, hint);
  }
}
export class RateLimitedError extends AppError {
  constructor(message: string) {
    super('rate_limited', message, 'Wait a few minutes before trying again.');
  }
}
