// Cross-origin access to the device API, and to nothing else. One web authenticator (served by one Tessera
// server) may hold accounts on other servers, so its requests to /api/authenticator/* come from a foreign
// origin. Those requests are authenticated by the device signature alone, never by a cookie: any origin may
// send them (`*`), and without Access-Control-Allow-Credentials a browser neither sends cookies with them nor
// lets a page read a credentialed answer. A page on another site gains nothing it could not get with curl.
import type { FastifyInstance } from 'fastify';

export const DEVICE_API_PREFIX = '/api/authenticator/';
export const CORS_ALLOW_ORIGIN = '*';

const PREFLIGHT_HEADERS: Record<string, string> = {
  'access-control-allow-origin': CORS_ALLOW_ORIGIN,
  'access-control-allow-methods': 'GET, POST',
  // A wildcard would not cover Authorization: it has to be named.
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
  'cache-control': 'no-store',
};

/**
 * Adds the CORS header to every answer under the device API prefix (errors and 404s too) and answers
 * preflights. Those answers are also never cached: they are one device's view of its pending sign-ins.
 */
export function allowDeviceApiFromAnyOrigin(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith(DEVICE_API_PREFIX)) reply.header('access-control-allow-origin', CORS_ALLOW_ORIGIN).header('cache-control', 'no-store');
  });
  app.options(`${DEVICE_API_PREFIX}*`, async (_req, reply) => reply.code(204).headers(PREFLIGHT_HEADERS).send());
}
