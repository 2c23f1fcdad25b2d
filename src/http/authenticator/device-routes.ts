// The authenticator (device) API: enrolment with a one-time code, then requests signed with the device key
// (see src/protocol/push/device-signature.ts): the challenge list, a live stream of it (device-events.ts), and
// the answer. Errors are a small JSON body: {"error": code, "message": text}. The page an enrolment link opens
// is the web authenticator's (web-app-routes.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { PushService } from '../../services/push.js';
import { allowDeviceApiFromAnyOrigin } from './cors.js';
import { registerDeviceEventRoutes, type DeviceEventOptions } from './device-events.js';

export interface DeviceDeps {
  push: PushService;
  /** The service name the authenticator shows for this account (config.serviceName). */
  serviceName?: string;
  /**
   * The path of the public base URL ('' or '/tessera'). A proxy strips it before forwarding, but devices sign
   * the path they called (as OAuth clients do), so it is put back before the signature is checked.
   */
  basePath?: string;
  /** Timings of the live challenge stream (tests shorten them). */
  events?: DeviceEventOptions;
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw new AppError('bad_request', 'invalid_body', 'The request body must be a JSON object.');
  }
  return b as Record<string, unknown>;
}

function rawBodyText(request: FastifyRequest): string {
  return (request as FastifyRequest & { rawBody?: string }).rawBody ?? '';
}

export async function registerDeviceRoutes(app: FastifyInstance, deps: DeviceDeps): Promise<void> {
  const { push } = deps;
  const basePath = deps.basePath ?? '';
  const device = (req: FastifyRequest) => push.authenticateDevice({
    method: req.method, pathAndQuery: basePath + (req.raw.url ?? '/'), authorization: req.headers.authorization, body: rawBodyText(req),
  });

  // Any origin may call the device API (the web authenticator keeps accounts on several servers); see cors.ts.
  allowDeviceApiFromAnyOrigin(app);

  app.post('/api/authenticator/enroll', async (req, reply) => {
    const body = jsonBody(req);
    const { code, publicKey, name } = body;
    if (typeof code !== 'string' || typeof publicKey !== 'string' || (name !== undefined && typeof name !== 'string')) {
      throw new AppError('bad_request', 'invalid_body', 'Send {"code": string, "publicKey": base64 SPKI, "name": string}.');
    }
    const { device: d, username } = await push.enroll(code, publicKey, name ?? 'Authenticator');
    return reply.code(201).send({ deviceId: d.id, name: d.name, username, service: deps.serviceName ?? 'Tessera' });
  });

  app.get('/api/authenticator/challenges', async (req) => {
    const d = await device(req);
    return { challenges: await push.pendingFor(d) };
  });

  app.post<{ Params: { id: string } }>('/api/authenticator/challenges/:id', async (req) => {
    const d = await device(req);
    const { decision, symbol } = jsonBody(req);
    if ((decision !== 'approve' && decision !== 'deny' && decision !== 'report') || (symbol !== undefined && typeof symbol !== 'string')) {
      throw new AppError('bad_request', 'invalid_body', 'Send {"decision": "approve" | "deny" | "report", "symbol": name}.');
    }
    const outcome = await push.answer(d, req.params.id, decision, symbol);
    return { outcome };
  });

  await registerDeviceEventRoutes(app, { push, basePath, ...deps.events });
}
