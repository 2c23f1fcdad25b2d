// `tessera admin consumer add|list|remove`: application links on the command line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../errors/app-error.js';
import { publicKeyFingerprint, type Consumers } from '../services/consumers.js';

const USAGE = `usage:
  tessera admin consumer add --key KEY --name NAME --public-key FILE [--callback URL] [--allow-no-verifier]
      FILE: PEM public key, the same base64 without armor, an X.509 certificate or a PKCS#1 RSA public key;
      - reads it from standard input. --allow-no-verifier permits legacy OAuth 1.0 (python-jira's jirashell).
  tessera admin consumer list [--json]
  tessera admin consumer remove KEY`;

export interface ConsumerCommandContext {
  consumers: Consumers;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

async function readText(file: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (file !== '-') return readFileSync(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export async function runConsumerCommand(args: string[], ctx: ConsumerCommandContext): Promise<number> {
  const [verb, ...rest] = args;
  const fail = (message: string, code = 1) => { ctx.stderr.write(`${message}\n`); return code; };
  try {
    if (verb === 'add') {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true, strict: true,
        options: {
          key: { type: 'string' }, name: { type: 'string' }, 'public-key': { type: 'string' },
          callback: { type: 'string' }, 'allow-no-verifier': { type: 'boolean' },
        },
      });
      if (!values.key || !values.name || !values['public-key'] || positionals.length > 0) return fail(USAGE, 2);
      let publicKeyText: string;
      try {
        publicKeyText = await readText(values['public-key'], ctx.stdin);
      } catch (err) {
        return fail(`tessera admin consumer: cannot read ${values['public-key']}: ${(err as Error).message}`);
      }
      const added = await ctx.consumers.add({
        key: values.key, name: values.name, publicKeyText, callbackUrl: values.callback, allowNoVerifier: values['allow-no-verifier'],
      });
      ctx.stdout.write(`Added application link ${added.key} (${added.name}), key fingerprint ${publicKeyFingerprint(added.publicKeyPem)}.\n`);
      if (added.allowNoVerifier) {
        ctx.stderr.write('Warning: this link accepts OAuth 1.0 without a verifier, which is open to session fixation. '
          + 'Allow it only for clients that need it (python-jira\'s jirashell).\n');
      }
      return 0;
    }
    if (verb === 'list') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
      if (positionals.length > 0) return fail(USAGE, 2);
      const consumers = await ctx.consumers.list();
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(consumers.map((c) => ({
          key: c.key, name: c.name, callbackUrl: c.callbackUrl, allowNoVerifier: c.allowNoVerifier,
          createdAt: new Date(c.createdAt).toISOString(), fingerprint: publicKeyFingerprint(c.publicKeyPem), publicKey: c.publicKeyPem,
        })), null, 2)}\n`);
        return 0;
      }
      if (consumers.length === 0) { ctx.stdout.write('No application links.\n'); return 0; }
      ctx.stdout.write(`${table([
        ['KEY', 'NAME', 'CALLBACK', 'NO-VERIFIER', 'CREATED', 'KEY FINGERPRINT'],
        ...consumers.map((c) => [c.key, c.name, c.callbackUrl ?? '-', c.allowNoVerifier ? 'allowed' : 'no',
          new Date(c.createdAt).toISOString().slice(0, 19).replace('T', ' '), publicKeyFingerprint(c.publicKeyPem)]),
      ])}\n`);
      return 0;
    }
    if (verb === 'remove') {
      if (rest.length !== 1 || rest[0]!.startsWith('-')) return fail(USAGE, 2);
      const key = rest[0]!;
      if (!(await ctx.consumers.remove(key))) return fail(`tessera admin consumer: no application link with the key ${key}.`);
      ctx.stdout.write(`Removed application link ${key} and its tokens.\n`);
      return 0;
    }
    return fail(USAGE, 2);
  } catch (err) {
    if (err instanceof AppError) return fail(`tessera admin consumer: ${err.message}`);
    if (err instanceof TypeError && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      return fail(`tessera admin consumer: ${err.message}\n${USAGE}`, 2);
    }
    throw err;
  }
}
