/**
 * @module routes/env
 * Variables the REST middleware puts on a request's context.
 */
import type { AuthedUser } from '../logic/auth/user.ts';
import type { AccessGuard } from './access.ts';

export type ApiEnv = {
  Variables: {
    requestId: string;
    /** The verified caller; set on every route that is not public. */
    user: AuthedUser;
    /** Runs the route's access policy; set on every route that is not public. */
    access: AccessGuard;
  };
};
