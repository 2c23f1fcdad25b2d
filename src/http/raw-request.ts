// The parts of an HTTP request the OAuth protocol core needs, taken from Fastify without interpretation.
import type { FastifyRequest } from 'fastify';
import type { RawRequest } from '../protocol/oauth1/request.js';

export function rawRequestOf(request: FastifyRequest): RawRequest {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const contentType = request.headers['content-type'];
  return {
    method: request.method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    authorization: request.headers.authorization,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    body: typeof request.body === 'string' ? request.body : undefined,
  };
}
