// The authenticator (device) API: enrolment with a one-time code, then requests signed with the device key
// (see src/protocol/push/device-signature.ts). Errors are a small JSON body: {"error": code, "message": text}.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { PushService } from '../../services/push.js';
import { html, sendPage } from '../web/html.js';

export interface DeviceDeps {
  push: PushService;
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
  const device = (req: FastifyRequest) => push.authenticateDevice({
    method: req.method, pathAndQuery: req.raw.url ?? '/', authorization: req.headers.authorization, body: rawBodyText(req),
  });

  // Where an enrolment link points. The code is in the fragment (never sent to a server); this page tells a
  // person who opened the link in a browser what to do with it.
  app.get('/authenticator/enroll', async (_req, reply) => sendPage(reply, 200, 'Enrol an authenticator', html`<h1>Enrol an authenticator</h1>
<p>This is a one-time link that registers an authenticator for your Tessera account. It works for 10 minutes.</p>
<p>Copy the whole address of this page, including the part after <code>#</code>, and give it to the command-line authenticator:</p>
<pre>tessera authenticator enroll '&lt;the address&gt;' --file device.json</pre>
<p class="muted">The file keeps the authenticator's private key: keep it safe. The server only learns the public key.</p>`));

  app.post('/api/authenticator/enroll', async (req, reply) => {
    const body = jsonBody(req);
    const { code, publicKey, name } = body;
    if (typeof code !== 'string' || typeof publicKey !== 'string' || (name !== undefined && typeof name !== 'string')) {
      throw new AppError('bad_request', 'invalid_body', 'Send {"code": string, "publicKey": base64 SPKI, "name": string}.');
    }
    const { device: d, username } = await push.enroll(code, publicKey, name ?? 'Authenticator');
    return reply.code(201).send({ deviceId: d.id, name: d.name, username, service: 'Tessera' });
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
}
