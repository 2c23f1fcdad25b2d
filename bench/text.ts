// Realistic technical English for summaries, descriptions and comments: word lists and templates, drawn with
// the seeded PRNG. The mix is tuned so the benchmark's text terms have plausible frequencies: "timeout" in a
// few percent of issues, the phrase "connection refused" in one or two percent, "database" in summaries
// now and then, and a long tail of other words so the full-text index has a realistic vocabulary.
import type { Rng } from './prng.js';

const SYSTEMS = [
  'login service', 'search indexer', 'DB connection pool', 'REST gateway', 'payment worker', 'session cache',
  'webhook dispatcher', 'report exporter', 'mobile sync', 'notification queue', 'audit log writer',
  'OAuth token endpoint', 'CSV importer', 'LDAP sync job', 'attachment store', 'build pipeline', 'metrics collector',
  'rate limiter', 'email renderer', 'billing scheduler', 'GraphQL resolver', 'feature flag service', 'cron runner',
  'image thumbnailer', 'PDF generator', 'dashboard widget', 'user directory', 'SAML bridge', 'backup job',
  'schema migration tool', 'load balancer health check', 'Kafka consumer', 'Redis cache', 'Elasticsearch cluster',
  'PostgreSQL replica', 'S3 uploader', 'admin console', 'project settings page', 'issue navigator', 'permission checker',
];

const ERRORS = [
  'HTTP 500', 'HTTP 502 Bad Gateway', 'deadlock detected', 'OutOfMemoryError',
  'an SSL handshake failure', 'broken pipe', 'a stale cache entry', 'a duplicate key violation', '429 Too Many Requests',
  'a NullPointerException', 'ECONNRESET', 'a certificate mismatch', 'an invalid UTF-8 sequence', 'EADDRINUSE',
  'a malformed JSON body', 'a missing index', 'an expired certificate', 'a segmentation fault',
];

const CONDITIONS = [
  'the proxy is enabled', 'more than 50 users are online', 'the import file is larger than 2 GB', 'the replica lags',
  'a user has no e-mail address', 'the locale is set to de_DE', 'running behind the corporate VPN',
  'the nightly batch overlaps with backups', 'the browser is Safari 17', 'the session expires mid-request',
  'two admins edit the same project', 'the disk is nearly full', 'the database failover happens',
  'the cluster is upgraded', 'TLS 1.3 is enforced', 'the request carries a very long query string',
];

const ACTIONS = [
  'saving the form', 'exporting a report', 'rotating the logs', 'a schema migration', 'reindexing', 'logging in',
  'uploading an attachment', 'bulk editing issues', 'switching projects', 'restarting the node', 'paging results',
  'refreshing the token', 'syncing the directory', 'sending the digest e-mail', 'restoring a backup',
];

const DEPENDENCIES = [
  'Node.js', 'PostgreSQL', 'OpenSSL', 'React', 'Spring Boot', 'log4j', 'Jackson', 'Fastify', 'Kysely', 'Redis',
  'Elasticsearch', 'Kubernetes', 'Terraform', 'Gradle', 'TypeScript', 'Python', 'nginx', 'Debian',
];

const ROLES = ['project admin', 'release manager', 'support engineer', 'developer', 'team lead', 'auditor', 'new user', 'API client'];

const GOALS = [
  'export the issues of a version to CSV', 'see who changed the priority', 'filter the board by component',
  'get notified when a build breaks', 'bulk assign issues to my team', 'link a commit to an issue',
  'search comments by phrase', 'set a due date from the issue list', 'archive old projects',
  'restrict a project to a group', 'copy an issue with its sub-tasks', 'see the time spent per status',
];

const BENEFITS = [
  'I can report to the steering committee', 'nobody loses track of regressions', 'releases go out on time',
  'support answers faster', 'we pass the security audit', 'the board stays readable', 'we save a manual step',
];

const METRICS = ['latency', 'error rate', 'queue depth', 'cache hit ratio', 'heap usage', 'request count', 'GC pause time'];

const SENTENCES = [
  'Observed in production on {host} since the last deploy.',
  'The {system} logs {error} about once an hour.',
  'Retrying usually works, but the first attempt always fails with {error}.',
  'It looks like the {system} does not release its connections when {condition}.',
  'The database query behind this takes {ms} ms on the replica, against {ms2} ms on the primary.',
  'Customers on the enterprise plan reported it through support ticket #{ticket}.',
  'We should add a retry budget and a circuit breaker around the call to the {system}.',
  'The default limit of {n2} is too low for large tenants.',
  'Raising the pool size from {n} to {n2} made the problem go away in staging.',
  'Nothing relevant in the metrics dashboard; {metric} stays flat.',
  'The regression came in with the upgrade of {dependency} to {version}.',
  'Steps to reproduce: log in as a project admin, open the {system}, and try {action}.',
  'Expected: the page loads within two seconds. Actual: it spins, then shows {error}.',
  'A heap dump from {host} is attached; most of the memory is held by the {system}.',
  'The nightly job runs for {mins} minutes, then the scheduler kills it.',
  'This blocks the migration of the remaining tenants to the new cluster.',
  'Workaround: restart the {system} and clear its cache.',
  'We cannot reproduce this locally; it may depend on network latency between zones.',
  'The stack trace points at the connection handshake, not at our code.',
  'The client cannot connect because the service binds to the wrong interface after {action}.',
  'Acceptance: the {metric} of the {system} stays under the agreed budget under peak load.',
  'See the design notes in the wiki for the proposed schema change.',
  'Tests are flaky on CI because of a race between {action} and {action2}.',
  'Make sure the database indexes are created before the backfill starts.',
];

const LOG_LINES = [
  'ERROR [pool-{n}-thread-{n2}] c.t.db.ConnectionPool - pool exhausted (host={host}:5432)',
  'WARN  [http-nio-8080-exec-{n}] c.t.web.Gateway - upstream returned 502 after {secs}s: GET /rest/api/2/search',
  'ERROR [main] o.s.b.SpringApplication - Application run failed: {error}',
  'java.lang.IllegalStateException: queue full at {system} ({ms} ms)',
  'FATAL {system}: out of memory while {action}',
];

const COMMENTS = [
  'I can reproduce this on staging.', 'Could not reproduce on the latest build; can you attach the logs?',
  'Fixed in the last deploy, please verify.', 'This is a duplicate of an older issue, linking it.',
  'Raising the priority: three more customers hit this today.', 'The limit is configured in the {system} settings.',
  'Looks like the replica lagged again.', 'PR is up for review.',
  'Moved to the next sprint, we ran out of capacity.', 'Root cause: {error} in the {system} when {condition}.',
  'Added a regression test.', 'Deployed to production at {hhmm} UTC, monitoring {metric}.',
  'Pairing with the platform team on this tomorrow.', 'Closing as the workaround is acceptable for now.',
];

const FILLER = [
  'cluster', 'tenant', 'latency', 'throughput', 'payload', 'endpoint', 'schema', 'replica', 'shard', 'quota', 'retry',
  'backoff', 'handshake', 'certificate', 'credential', 'token', 'cookie', 'header', 'checksum', 'snapshot', 'rollback',
  'deploy', 'canary', 'rollout', 'feature', 'regression', 'migration', 'index', 'cursor', 'pagination', 'encoding',
  'serializer', 'parser', 'validator', 'scheduler', 'worker', 'thread', 'mutex', 'semaphore', 'deadlock', 'heap',
  'stack', 'buffer', 'stream', 'socket', 'listener', 'callback', 'promise', 'webhook', 'queue', 'topic', 'partition',
  'consumer', 'producer', 'offset', 'commit', 'branch', 'release', 'hotfix', 'pipeline', 'artifact', 'container',
  'image', 'volume', 'mount', 'permission', 'role', 'group', 'audit', 'compliance', 'encryption', 'signature',
  'nonce', 'timestamp', 'timezone', 'locale', 'translation', 'accessibility', 'keyboard', 'dropdown', 'modal',
  'tooltip', 'sidebar', 'navigation', 'breadcrumb', 'avatar', 'thumbnail', 'attachment', 'preview', 'markdown',
];

const HOSTS = ['app-1.prod', 'app-2.prod', 'db-1.internal', 'db-2.internal', 'worker-3.prod', 'edge-eu-1', 'edge-us-2', 'staging-1'];

function fill(rng: Rng, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    switch (name) {
      case 'system': return rng.skewed(SYSTEMS, 1.5);
      case 'error': return rng.skewed(ERRORS, 1.6);
      case 'condition': return rng.pick(CONDITIONS);
      case 'action': case 'action2': return rng.pick(ACTIONS);
      case 'dependency': return rng.pick(DEPENDENCIES);
      case 'version': return `${rng.int(1, 24)}.${rng.int(0, 12)}.${rng.int(0, 9)}`;
      case 'metric': return rng.pick(METRICS);
      case 'host': return rng.pick(HOSTS);
      case 'ms': return String(rng.int(120, 9000));
      case 'ms2': return String(rng.int(3, 80));
      case 'secs': return String(rng.pick([5, 10, 30, 60, 120]));
      case 'mins': return String(rng.int(20, 240));
      case 'n': return String(rng.int(2, 32));
      case 'n2': return String(rng.int(33, 256));
      case 'ticket': return String(rng.int(10000, 99999));
      case 'hhmm': return `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
      default: return name;
    }
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type IssueKind = 'Bug' | 'Task' | 'Story' | 'Epic' | 'Sub-task';

// The benchmark's text terms, each added at a controlled rate (per issue) rather than through the templates.
const TIMEOUT_SENTENCES = [
  'The call to the {system} fails with a read timeout after {secs} seconds.',
  'We should add a timeout and a circuit breaker around the {system}.',
  'WARN [http-nio-8080-exec-{n}] upstream timeout after {secs}s: GET /rest/api/2/search',
];
const REFUSED_SENTENCES = [
  'ERROR [pool-{n}-thread-{n2}] c.t.db.ConnectionPool - connection refused (host={host}:5432)',
  'The client gets connection refused because the {system} binds to the wrong interface after {action}.',
];
const DATABASE_SUMMARIES = [
  'Slow database queries in the {system} during {action}', '{system} leaks database connections when {condition}',
  'Move the {system} to the new database cluster', 'Databases of the {system} fill up the disk',
];
export const TERM_RATES = { timeoutInDescription: 0.03, refusedInDescription: 0.012, databaseInSummary: 0.03, timeoutInComment: 0.01 };

export function summary(rng: Rng, kind: IssueKind): string {
  if (kind !== 'Story' && rng.chance(TERM_RATES.databaseInSummary)) return capitalise(fill(rng, rng.pick(DATABASE_SUMMARIES)));
  switch (kind) {
    case 'Bug': return fill(rng, rng.pick([
      '{system} fails with {error} when {condition}',
      'Crash in the {system} while {action}',
      '{system} returns {error} after {action}',
      '{system} leaks file handles when {condition}',
      'Intermittent {error} from the {system}',
      'Slow queries in the {system} during {action}',
      '{system}: requests hang after {action}',
      'Wrong totals in the {system} when {condition}',
    ]));
    case 'Task': return fill(rng, rng.pick([
      'Upgrade {dependency} to {version}',
      'Add a {metric} metric to the {system}',
      'Document the {system} configuration',
      'Move the {system} to the new cluster',
      'Tune the retry settings of the {system}',
      'Clean up feature flags in the {system}',
      'Write runbook for {action}',
    ]));
    case 'Story': return storySummary(rng);
    case 'Epic': return capitalise(fill(rng, rng.pick(['{system} overhaul', 'Reliability of the {system}', '{system} v2', 'Sharding for the {system}'])));
    case 'Sub-task': return fill(rng, rng.pick([
      'Write tests for {action}', 'Review the {system} change', 'Update the {system} documentation',
      'Add logging around {action}', 'Backfill data for the {system}',
    ]));
  }
}

export function storySummary(rng: Rng): string {
  return `As a ${rng.pick(ROLES)} I want to ${rng.pick(GOALS)} so that ${rng.pick(BENEFITS)}`;
}

/** Two to seven sentences, sometimes a log excerpt, and a few filler words for vocabulary. */
export function description(rng: Rng, kind: IssueKind): string {
  const parts: string[] = [];
  const count = rng.int(2, 7);
  for (let i = 0; i < count; i += 1) parts.push(fill(rng, rng.pick(SENTENCES)));
  if (rng.chance(TERM_RATES.timeoutInDescription)) parts.splice(rng.int(0, parts.length), 0, fill(rng, rng.pick(TIMEOUT_SENTENCES)));
  if (rng.chance(TERM_RATES.refusedInDescription)) parts.splice(rng.int(0, parts.length), 0, fill(rng, rng.pick(REFUSED_SENTENCES)));
  if (kind === 'Bug' && rng.chance(0.35)) parts.push(`\n\n{noformat}\n${fill(rng, rng.pick(LOG_LINES))}\n{noformat}`);
  if (rng.chance(0.5)) {
    const words: string[] = [];
    for (let i = rng.int(3, 10); i > 0; i -= 1) words.push(rng.pick(FILLER));
    parts.push(`Keywords: ${words.join(', ')}.`);
  }
  return parts.join(' ');
}

export function comment(rng: Rng): string {
  const first = rng.chance(TERM_RATES.timeoutInComment) ? 'Still seeing the timeout on our side.' : fill(rng, rng.pick(COMMENTS));
  return rng.chance(0.4) ? `${first} ${fill(rng, rng.pick(SENTENCES))}` : first;
}

export const LABELS = [
  'backend', 'frontend', 'regression', 'performance', 'security', 'customer', 'techdebt', 'ux', 'api', 'flaky',
  'database', 'infra', 'mobile', 'accessibility', 'i18n', 'documentation', 'onboarding', 'billing', 'search',
  'reporting', 'oauth', 'ldap', 'ci', 'monitoring', 'migration', 'hotfix', 'design', 'legal', 'p1', 'needs-triage',
];

export const COMPONENT_NAMES = [
  'Backend', 'Frontend', 'API', 'Database', 'Authentication', 'Search', 'Notifications', 'Reporting', 'Mobile',
  'Infrastructure', 'Billing', 'Integrations',
];

export const ENVIRONMENTS = [
  'Chrome 126 on macOS 14', 'Firefox 127 on Ubuntu 24.04', 'Safari 17 on iOS 17.5', 'Edge 125 on Windows 11',
  'Production EU cluster', 'Staging', 'Android 14, app 5.2.1',
];

const FIRST = ['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'nina',
  'oscar', 'peggy', 'quentin', 'rupert', 'sybil', 'trent', 'ursula', 'victor', 'wendy', 'xavier', 'yusuf', 'zoe',
  'amir', 'bea', 'chen', 'dara', 'emeka', 'fatima', 'goran', 'hana', 'ines', 'jonas', 'kofi', 'lena', 'mateo', 'noor'];
const LAST = ['nguyen', 'smith', 'garcia', 'muller', 'rossi', 'kowalski', 'tanaka', 'okafor', 'silva', 'johansson',
  'dubois', 'novak', 'kim', 'patel', 'haddad', 'ivanova', 'murphy', 'larsen', 'costa', 'weber', 'yilmaz', 'sato'];

/** Distinct usernames like `anguyen`, `anguyen2`, with display names. */
export function people(rng: Rng, count: number): Array<{ username: string; displayName: string }> {
  const seen = new Map<string, number>();
  const out: Array<{ username: string; displayName: string }> = [];
  for (let i = 0; i < count; i += 1) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const base = `${first[0]}${last}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.push({ username: n === 1 ? base : `${base}${n}`, displayName: `${capitalise(first)} ${capitalise(last)}` });
  }
  return out;
}
