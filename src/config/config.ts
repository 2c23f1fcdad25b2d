// One schema of every setting: its type, default, environment variable, flag and description.
// This module is the only reader of process.env (callers pass `env` in; main passes process.env).
// Precedence: command-line flag > environment variable > configuration file (JSON) > default.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  database: string;
  adminPassword: string | undefined;
  logLevel: string;
  accessTokenLifetimeSeconds: number;
  requestTokenLifetimeSeconds: number;
  timestampWindowSeconds: number;
  pushChallengeLifetimeSeconds: number;
  pushRateLimit: number;
  sessionLifetimeSeconds: number;
  serviceName: string;
  reauthWindowSeconds: number;
}

type Kind = 'string' | 'integer' | 'url' | 'secret';

interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  kind: Kind;
  description: string;
  default: (partial: Partial<Config>) => unknown;
}

export const SETTINGS: readonly Setting[] = [
  { key: 'port', env: 'TESSERA_PORT', flag: 'port', kind: 'integer', default: () => 8080,
    description: 'TCP port the HTTP server listens on.' },
  { key: 'host', env: 'TESSERA_HOST', flag: 'host', kind: 'string', default: () => '127.0.0.1',
    description: 'Interface the HTTP server binds to.' },
  { key: 'baseUrl', env: 'TESSERA_BASE_URL', flag: 'base-url', kind: 'url',
    default: (c) => `http://localhost:${c.port ?? 8080}`,
    description: 'Public URL of the server (scheme, host, port, context path). OAuth signatures and every `self` link use it, never what the socket saw.' },
  { key: 'database', env: 'TESSERA_DATABASE', flag: 'database', kind: 'string', default: () => 'data/tessera.db',
    description: 'SQLite database file (relative paths are resolved from the working directory).' },
  { key: 'adminPassword', env: 'TESSERA_ADMIN_PASSWORD', flag: 'admin-password', kind: 'secret', default: () => undefined,
    description: 'Password of the `admin` user created on first start; when unset a random one is generated and printed once.' },
  { key: 'logLevel', env: 'TESSERA_LOG_LEVEL', flag: 'log-level', kind: 'string', default: () => 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  { key: 'accessTokenLifetimeSeconds', env: 'TESSERA_ACCESS_TOKEN_LIFETIME', flag: 'access-token-lifetime', kind: 'integer',
    default: () => 5 * 365 * 24 * 3600, description: 'Lifetime of an OAuth access token in seconds (Jira: 5 years).' },
  { key: 'requestTokenLifetimeSeconds', env: 'TESSERA_REQUEST_TOKEN_LIFETIME', flag: 'request-token-lifetime', kind: 'integer',
    default: () => 600, description: 'Lifetime of an OAuth request token in seconds (Jira: 10 minutes).' },
  { key: 'timestampWindowSeconds', env: 'TESSERA_TIMESTAMP_WINDOW', flag: 'timestamp-window', kind: 'integer',
    default: () => 300, description: 'Accepted clock skew of `oauth_timestamp`, in seconds either side.' },
  { key: 'pushChallengeLifetimeSeconds', env: 'TESSERA_PUSH_LIFETIME', flag: 'push-lifetime', kind: 'integer',
    default: () => 120, description: 'How long a push challenge can be answered, in seconds.' },
  { key: 'pushRateLimit', env: 'TESSERA_PUSH_RATE_LIMIT', flag: 'push-rate-limit', kind: 'integer',
    default: () => 5, description: 'How many push sign-in requests one user can be sent within 10 minutes.' },
  { key: 'sessionLifetimeSeconds', env: 'TESSERA_SESSION_LIFETIME', flag: 'session-lifetime', kind: 'integer',
    default: () => 12 * 3600, description: 'Lifetime of a browser session, in seconds.' },
  { key: 'serviceName', env: 'TESSERA_SERVICE_NAME', flag: 'service-name', kind: 'string', default: () => 'Tessera',
    description: 'The name authenticators show: the push service, the TOTP issuer and the passkey relying party.' },
  { key: 'reauthWindowSeconds', env: 'TESSERA_REAUTH_WINDOW', flag: 'reauth-window', kind: 'integer', default: () => 300,
    description: 'How long a second-factor check stays fresh for changes on the security page, in seconds.' },
];

export class ConfigError extends Error {}

export interface ConfigSources {
  flags?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  /** Path of a JSON file whose keys are the `key` or `env` names of SETTINGS. */
  file?: string | undefined;
}

function parseValue(setting: Setting, raw: unknown, origin: string): unknown {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string') throw new ConfigError(`${origin}: ${setting.key} must be a string`);
  switch (setting.kind) {
    case 'integer': {
      if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${origin}: ${setting.key} must be a whole number, got "${text}"`);
      const n = Number(text.trim());
      if (setting.key === 'port' && n > 65535) throw new ConfigError(`${origin}: port must be at most 65535`);
      return n;
    }
    case 'url': {
      let url: URL;
      try { url = new URL(text); } catch { throw new ConfigError(`${origin}: ${setting.key} must be an absolute URL, got "${text}"`); }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${origin}: ${setting.key} must be http or https`);
      if (url.search || url.hash) throw new ConfigError(`${origin}: ${setting.key} must not have a query or fragment`);
      return text.replace(/\/+$/, '');
    }
    default:
      return text;
  }
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const filePath = sources.file ?? flags['config'] ?? env['TESSERA_CONFIG'];
  let fileValues: Record<string, unknown> = {};
  if (filePath) {
    try {
      fileValues = JSON.parse(readFileSync(resolve(filePath), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read configuration file ${filePath}: ${(err as Error).message}`);
    }
    if (typeof fileValues !== 'object' || fileValues === null || Array.isArray(fileValues)) {
      throw new ConfigError(`configuration file ${filePath} must hold a JSON object`);
    }
    const known = new Set(SETTINGS.flatMap((s) => [s.key, s.env]));
    for (const k of Object.keys(fileValues)) {
      if (!known.has(k as keyof Config)) throw new ConfigError(`configuration file ${filePath}: unknown setting "${k}"`);
    }
  }
  const out: Partial<Config> = {};
  for (const s of SETTINGS) {
    let value: unknown;
    if (flags[s.flag] !== undefined) value = parseValue(s, flags[s.flag], `--${s.flag}`);
    else if (env[s.env] !== undefined && env[s.env] !== '') value = parseValue(s, env[s.env], s.env);
    else if (fileValues[s.key] !== undefined) value = parseValue(s, fileValues[s.key], `${filePath}`);
    else if (fileValues[s.env] !== undefined) value = parseValue(s, fileValues[s.env], `${filePath}`);
    else value = s.default(out);
    (out as Record<string, unknown>)[s.key] = value;
  }
  return out as Config;
}

/** The flags every `tessera` command accepts, for util.parseArgs. */
export function configFlagOptions(): Record<string, { type: 'string' }> {
  const opts: Record<string, { type: 'string' }> = { config: { type: 'string' } };
  for (const s of SETTINGS) opts[s.flag] = { type: 'string' };
  return opts;
}
