// Live challenges for an authenticator: `GET /api/authenticator/events`, a server-sent event stream that the
// device opens with one signed request (the canonical device signature, checked as for every device request;
// its 120-second timestamp window bounds replays of that request). EventSource cannot send an Authorization
// header, so the web authenticator reads the stream with fetch() and reconnects by itself.
//
// Each `challenges` event carries the device's whole pending list, so a client that missed an event (or just
// reconnected) is right again after the next one. The list is sent at connect, whenever this process creates
// a challenge for the user or decides one of the listed challenges, and on a slow database poll that notices
// other processes' challenges, expiry, and a device that was removed (its stream then ends).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Device, PendingChallenge, PushService } from '../../services/push.js';
import { CORS_ALLOW_ORIGIN } from './cors.js';

export const DEVICE_EVENTS_PATH = '/api/authenticator/events';

export interface DeviceEventOptions {
  /** How often the database is read again for changes made elsewhere. */
  pollMs?: number;
  /** Comment lines that keep proxies and NAT from closing an idle stream. */
  heartbeatMs?: number;
  /** A stream ends after this long; the client reconnects with a fresh signature (bounds a replayed request). */
  maxLifetimeMs?: number;
  /** Streams one device may hold open; a new one ends the oldest (a misbehaving client cannot pile them up). */
  maxStreamsPerDevice?: number;
}

interface Stream {
  device: Device;
  end(): void;
}

export async function registerDeviceEventRoutes(app: FastifyInstance, deps: { push: PushService; basePath?: string } & DeviceEventOptions): Promise<void> {
  const { push } = deps;
  const basePath = deps.basePath ?? '';
  const pollMs = deps.pollMs ?? 5000;
  const heartbeatMs = deps.heartbeatMs ?? 20_000;
  const maxLifetimeMs = deps.maxLifetimeMs ?? 15 * 60_000;
  const maxStreams = deps.maxStreamsPerDevice ?? 3;
  const open = new Set<Stream>();

  // Open streams would keep app.close() waiting for ever: end them first.
  app.addHook('preClose', async () => {
    for (const s of [...open]) s.end();
  });

  app.get(DEVICE_EVENTS_PATH, async (req: FastifyRequest, reply) => {
    // Refusals go through the normal error mapper (401, the device API's JSON body) before the stream starts.
    const device = await push.authenticateDevice({ method: req.method, pathAndQuery: basePath + (req.raw.url ?? '/'), authorization: req.headers.authorization, body: '' });

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
      'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': CORS_ALLOW_ORIGIN,
    });

    let ended = false;
    let lastSent = '';
    let watched: string[] = [];
    const onChange = () => void refresh();
    const timers = [
      setInterval(() => void refresh(true), pollMs),
      setInterval(() => { if (!ended) res.write(': keep-alive\n\n'); }, heartbeatMs),
      setTimeout(() => stream.end(), maxLifetimeMs),
    ];
    const stream: Stream = {
      device,
      end: () => {
        if (ended) return;
        cleanUp();
        res.end();
      },
    };
    function cleanUp() {
      ended = true;
      open.delete(stream);
      for (const t of timers) clearTimeout(t);
      push.events.off(`challenge:${device.userId}`, onChange);
      for (const id of watched) push.events.off(`decided:${id}`, onChange);
      watched = [];
    }
    function send(list: PendingChallenge[]) {
      // Follow the decisions of exactly the challenges the device is shown.
      for (const id of watched) push.events.off(`decided:${id}`, onChange);
      watched = list.map((c) => c.id);
      for (const id of watched) push.events.on(`decided:${id}`, onChange);
      const data = JSON.stringify({ challenges: list });
      if (data === lastSent) return;
      lastSent = data;
      res.write(`event: challenges\ndata: ${data}\n\n`);
    }
    // One refresh at a time; a change that arrives meanwhile causes one more.
    let running: Promise<void> | undefined;
    let again = false;
    async function refresh(checkDevice = false): Promise<void> {
      if (ended) return;
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            // A removed device loses its stream; it would be refused at the next connect anyway.
            if (checkDevice && !(await push.listDevices(device.userId)).some((d) => d.id === device.id)) return stream.end();
            const list = await push.pendingFor(device);
            if (!ended) send(list);
          } while (again && !ended);
        } catch {
          // The database went away (shutting down): end the stream; the client reconnects.
          stream.end();
        } finally {
          running = undefined;
        }
      })();
      return running;
    }

    res.on('close', cleanUp);
    // Listen before the first read, so a challenge created in between is not missed until the next poll.
    push.events.on(`challenge:${device.userId}`, onChange);
    open.add(stream);
    const mine = [...open].filter((s) => s.device.id === device.id);
    for (const old of mine.slice(0, Math.max(0, mine.length - maxStreams))) old.end();
    await refresh();
  });
}
