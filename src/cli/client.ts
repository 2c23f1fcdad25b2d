// `tessera client …`: an OAuth 1.0a client on the command line, like Atlassian's example OAuth client.
// State (server, consumer key, private key, request and access tokens) lives in a JSON file, mode 0600,
// since it holds a private key and tokens. Signing is src/client, hence the server's own protocol code.
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OAuthClient, OAuthClientError } from '../client/index.js';
import { loadConfig } from '../config/config.js';

const USAGE = `usage: tessera client <command> [--state FILE] [--server URL] [--consumer-key KEY]
  keygen [--force]                      make an RSA key pair; prints the public key for the application link
  request-token [--callback URL]        get a request token and the URL where the user allows it (default oob)
  access-token VERIFIER                 exchange the authorized request token for an access token
  request PATH [--method M] [--data JSON]   a signed REST call, e.g. request /rest/api/2/myself
--state (the client's keys and tokens) defaults to ./tessera-client.json; --server to the configured base URL
(TESSERA_BASE_URL, --base-url, or http://localhost:<port>).`;

export interface ClientState {
  baseUrl?: string;
  consumerKey?: string;
  privateKeyPem?: string;
  requestToken?: string;
  requestTokenSecret?: string;
  accessToken?: string;
  accessTokenSecret?: string;
}

export interface ClientIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) { super(message); }
}

function readState(file: string): ClientState {
  if (!existsSync(file)) return {};
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new Error('not a JSON object');
    return state as ClientState;
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Written to a temporary file with mode 0600, then renamed: never readable by others, never half-written. */
function writeState(file: string, state: ClientState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // mode only applies when the file is created
  renameSync(temporary, file);
}

function clientOf(state: ClientState): OAuthClient {
  if (!state.privateKeyPem) throw new CommandError('no private key yet: run `tessera client keygen` first');
  if (!state.consumerKey) throw new CommandError('no consumer key: pass --consumer-key KEY (the key of the application link)');
  return new OAuthClient({ baseUrl: state.baseUrl as string, consumerKey: state.consumerKey, privateKeyPem: state.privateKeyPem });
}

function describe(err: OAuthClientError): string {
  const lines = [`refused: ${err.message}`];
  if (err.baseString) lines.push(`server's signature base string: ${err.baseString}`);
  return lines.join('\n');
}

function printBody(io: ClientIo, body: string, json: unknown): void {
  if (json !== undefined) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (body !== '') io.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
}

export async function runClientCommand(args: string[], io: ClientIo, settingsFlags: Record<string, string | undefined> = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        state: { type: 'string' }, server: { type: 'string' }, 'consumer-key': { type: 'string' },
        callback: { type: 'string' }, method: { type: 'string' }, data: { type: 'string' },
        force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`tessera client: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...operands] = positionals;
  if (values.help) { io.stdout.write(`${USAGE}\n`); return 0; }

  const file = resolve(values.state ?? 'tessera-client.json');
  try {
    const state = readState(file);
    if (values.server !== undefined) state.baseUrl = values.server.replace(/\/+$/, '');
    // The same settings as every tessera command: TESSERA_BASE_URL, or derived from TESSERA_PORT.
    state.baseUrl ??= loadConfig({ env: io.env, flags: settingsFlags }).baseUrl;
    if (values['consumer-key'] !== undefined) state.consumerKey = values['consumer-key'];
    const usage = () => new CommandError(USAGE, 2);

    switch (command) {
      case 'keygen': {
        if (operands.length > 0) throw usage();
        if (state.privateKeyPem && !values.force) {
          throw new CommandError(`${file} already holds a private key (pass --force to replace it and the tokens made with it)`);
        }
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        state.privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
        state.consumerKey ??= 'tessera-cli';
        delete state.requestToken; delete state.requestTokenSecret; delete state.accessToken; delete state.accessTokenSecret;
        writeState(file, state);
        io.stdout.write(publicKey.export({ format: 'pem', type: 'spki' }).toString());
        // The hint goes to stderr so that `tessera client keygen > public.pem` writes only the key.
        io.stderr.write(`The private key is saved in ${file} (mode 0600). Register the public key above as an application link:\n`
          + `  tessera admin consumer add --key ${state.consumerKey} --name "<application name>" --public-key public.pem\n`
          + '(`tessera client keygen > public.pem` saves only the public key to that file.)\n');
        return 0;
      }
      case 'request-token': {
        if (operands.length > 0) throw usage();
        const client = clientOf(state);
        const token = await client.requestToken(values.callback ?? 'oob');
        state.requestToken = token.token;
        state.requestTokenSecret = token.tokenSecret;
        writeState(file, state);
        io.stdout.write(`Request token: ${token.token}\n`
          + `Open this URL, allow the application and note the verification code:\n  ${client.authorizeUrl(token.token)}\n`
          + 'Then run: tessera client access-token VERIFIER\n');
        return 0;
      }
      case 'access-token': {
        const [verifier, ...more] = operands;
        if (!verifier || more.length > 0) throw usage();
        if (!state.requestToken) throw new CommandError('no request token: run `tessera client request-token` first');
        const client = clientOf(state);
        const token = await client.accessToken({ token: state.requestToken, tokenSecret: state.requestTokenSecret ?? '' }, verifier);
        state.accessToken = token.token;
        state.accessTokenSecret = token.tokenSecret;
        delete state.requestToken; delete state.requestTokenSecret; // used up either way
        writeState(file, state);
        io.stdout.write(`Access token: ${token.token}\n`
          + `Saved in ${file}${token.expiresIn ? `; valid for ${Math.round(token.expiresIn / 86400)} days` : ''}.\n`
          + 'Try: tessera client request /rest/api/2/myself\n');
        return 0;
      }
      case 'request': {
        const [path, ...more] = operands;
        if (!path || more.length > 0) throw usage();
        let body: unknown;
        if (values.data !== undefined) {
          try { body = JSON.parse(values.data); } catch { throw new CommandError('--data must be JSON', 2); }
        }
        if (!state.accessToken) throw new CommandError('no access token: run request-token and access-token first');
        const client = clientOf(state);
        const res = await client.request({
          method: values.method ?? (body === undefined ? 'GET' : 'POST'), path, body,
          token: { token: state.accessToken, tokenSecret: state.accessTokenSecret ?? '' },
        });
        printBody(io, res.body, res.json);
        if (res.status >= 400) {
          io.stderr.write(`tessera client: HTTP ${res.status}${res.problem?.problem ? ` (oauth_problem=${res.problem.problem})` : ''}\n`);
          return 1;
        }
        return 0;
      }
      default:
        throw usage();
    }
  } catch (err) {
    if (err instanceof CommandError) {
      io.stderr.write(err.exitCode === 2 ? `${err.message}\n` : `tessera client: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof OAuthClientError) {
      io.stderr.write(`tessera client: ${describe(err)}\n`);
      return 1;
    }
    if (err instanceof TypeError && err.message === 'fetch failed') {
      io.stderr.write(`tessera client: cannot reach the server: ${String((err.cause as Error | undefined)?.message ?? 'connection failed')}\n`);
      return 1;
    }
    throw err;
  }
}
