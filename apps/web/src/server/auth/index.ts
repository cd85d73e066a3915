// The one authentication surface for routes and pages.
export { withAuth, requireUser, requestIp, type AuthedRequest } from './with-auth';
export { currentUser, forbidBelow, requirePageUser } from './current-user';
export { hasRole } from './roles';
export { UnauthorizedError, ForbiddenError, RateLimitedError } from './errors';
export type { AuthContext } from './authenticate';
export { checkLogin } from './login';
export { startSession, clearedSessionCookie } from './session-cookie';
export { hashPassword, passwordProblem, MIN_PASSWORD_LENGTH } from './password';
export { newApiToken, digest } from './secrets';
