// Who is calling: set by the authentication hook (src/http/authentication.ts) on every /rest request.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

export interface Principal {
  userId: number;
  username: string;
  isAdmin: boolean;
  /** How the request proved who it is. */
  method: 'oauth' | 'basic' | 'session';
  /** The application link, for OAuth. */
  consumerKey?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The calling user, or a Jira-style 401. */
export function requireUser(request: FastifyRequest): Principal {
  if (!request.principal) {
    throw new AppError('unauthenticated', 'not_authenticated',
      'You are not authenticated. Authentication required to perform this operation.');
  }
  return request.principal;
}
