// The web authenticator: an installable web app (manifest, service worker) under /authenticator/, made of the
// static files in src/web/authenticator/. `/authenticator/enroll` is where enrolment links point: the same
// app shell, which reads the one-time code from the URL fragment (never sent to a server) and also tells
// command-line users what to do with the link. The files are read once at start; every URL inside them is
// relative, so the app works under a base URL with a path.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ACCESS_SYMBOLS } from '../../protocol/push/symbols.js';

const DIR = new URL('../../../src/web/authenticator/', import.meta.url);

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8',
  webmanifest: 'application/manifest+json', svg: 'image/svg+xml', png: 'image/png',
};

/**
 * The page's policy: only its own scripts, styles, manifest and worker. connect-src also allows other
 * servers, for accounts kept on them: any https origin, and localhost (a secure context without TLS). Plain
 * http elsewhere could not work anyway (an https page may not fetch it, and http is no secure context).
 */
export const WEB_AUTHENTICATOR_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:*", "manifest-src 'self'", "worker-src 'self'",
  "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': WEB_AUTHENTICATOR_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const files = ['index.html', 'app.js', 'device-api.js', 'store.js', 'app.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png'];
  const bodies = new Map<string, Buffer>(files.map((f) => [f, readFileSync(new URL(f, DIR))]));
  // The glyphs come from the one list the server uses, so the app and the login page never disagree.
  const glyphs = Object.fromEntries(ACCESS_SYMBOLS.map((s) => [s.name, s.glyph]));
  bodies.set('symbols.js', Buffer.from(`// Generated from src/protocol/push/symbols.ts.\nexport const SYMBOLS = ${JSON.stringify(glyphs)};\n`));
  // The worker names its cache after the shell's contents: a new release replaces the cache (and the worker).
  const version = createHash('sha256');
  for (const [name, body] of bodies) version.update(name).update(body);
  const sw = readFileSync(new URL('sw.js', DIR), 'utf8').replace('__SHELL_VERSION__', version.digest('hex').slice(0, 16));
  bodies.set('sw.js', Buffer.from(sw));
  return new Map([...bodies].map(([name, body]) => [name, {
    body, type: TYPES[name.slice(name.lastIndexOf('.') + 1)]!, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  }]));
}

export async function registerWebAuthenticatorRoutes(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  const send = (reply: FastifyReply, ifNoneMatch: string | undefined, name: string) => {
    const asset = assets.get(name)!;
    // Revalidated on every load (no-cache), cheaply: the service worker keeps the offline copy.
    reply.header('content-type', asset.type).header('cache-control', 'no-cache').header('etag', asset.etag);
    if (name === 'index.html') reply.headers(PAGE_HEADERS);
    // A worker's own policy comes from its response: it may fetch only this origin's shell files.
    if (name === 'sw.js') reply.header('content-security-policy', "default-src 'none'; connect-src 'self'");
    if (ifNoneMatch === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  };

  // Relative URLs in the shell need the trailing slash.
  app.get('/authenticator', async (_req, reply) => reply.code(301).header('location', 'authenticator/').send());
  app.get('/authenticator/', async (req, reply) => send(reply, req.headers['if-none-match'], 'index.html'));
  app.get('/authenticator/enroll', async (req, reply) => send(reply, req.headers['if-none-match'], 'index.html'));
  app.get<{ Params: { file: string } }>('/authenticator/:file', async (req, reply) => {
    const name = req.params.file;
    if (name === 'index.html' || !assets.has(name)) return reply.callNotFound();
    return send(reply, req.headers['if-none-match'], name);
  });
}
