// The images Jira objects point at (avatarUrls, iconUrl), drawn as small SVGs so those links resolve.
// They show nothing private: a user avatar is the first letter of the name the URL already carries.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml } from './html.js';

const ISSUE_TYPE_COLOURS: Record<string, string> = {
  task: '#4bade8', bug: '#e5493a', story: '#63ba3c', epic: '#904ee2', subtask: '#4bade8',
};
const PRIORITY_COLOURS: Record<string, string> = {
  highest: '#d04437', high: '#f15c75', medium: '#f79232', low: '#707070', lowest: '#999999',
};

function svg(reply: FastifyReply, body: string): FastifyReply {
  return reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .send(`<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">${body}</svg>`);
}

function initial(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return escapeHtml((Array.from(text)[0] ?? '?').toUpperCase());
}

export async function registerIconRoutes(app: FastifyInstance): Promise<void> {
  app.get('/secure/useravatar', async (req, reply) => svg(reply,
    `<circle cx="24" cy="24" r="24" fill="#0052cc"/><text x="24" y="32" font-family="sans-serif" font-size="24" fill="#fff" text-anchor="middle">${initial((req.query as Record<string, unknown>)['ownerId'])}</text>`));
  app.get('/secure/projectavatar', async (_req, reply) => svg(reply,
    '<rect width="48" height="48" rx="8" fill="#36b37e"/><path d="M14 16h20v4H14zm0 8h20v4H14zm0 8h14v4H14z" fill="#fff"/>'));
  app.get<{ Params: { name: string } }>('/images/icons/issuetypes/:name', async (req, reply) => {
    const colour = ISSUE_TYPE_COLOURS[req.params.name.replace(/\.svg$/, '')] ?? '#4bade8';
    return svg(reply, `<rect width="48" height="48" rx="8" fill="${colour}"/>`);
  });
  app.get<{ Params: { name: string } }>('/images/icons/priorities/:name', async (req, reply) => {
    const colour = PRIORITY_COLOURS[req.params.name.replace(/\.svg$/, '')] ?? '#999999';
    return svg(reply, `<path d="M24 8l16 20H8z" fill="${colour}"/>`);
  });
  app.get('/images/icons/statuses/generic.svg', async (_req, reply) => svg(reply, '<circle cx="24" cy="24" r="16" fill="#42526e"/>'));
}
