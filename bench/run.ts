// `npm run bench` → node --import tsx bench/run.ts [--issues 1000000] [--data-dir bench-data] [--quick]
//
// The search benchmark (issue 3, item 5): builds (or reuses) a database of realistic issues, starts the real
// server on a loopback port in a child process, and times a fixed set of JQL queries through
// GET /rest/api/2/search against the same queries written by hand in SQL on the same database. Prints p50/p95
// of each and their ratio, GET issue requests per second, and the SQLite query plans of the hand-written SQL.
// Every loop is bounded in count and in time; nothing leaves 127.0.0.1. Not part of `npm test`.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { engineStatements } from './engine-plans.js';
import { BENCH_PASSWORD, BENCH_USER, BENCH_USER_DEFAULT_COST, BENCH_USER_ID, ensureDatabase } from './generate.js';
import { basicAuth, LoopbackClient } from './http-client.js';
import { Rng } from './prng.js';
import { benchQueries, detectFts, PAGE_SIZE, queryContext, queryPlan } from './queries.js';
import { ms, pad, printReport, stats, type QueryResult } from './report.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  issues: number;
  dataDir: string;
  quick: boolean;
  /** A folder for the server child's V8 CPU profile (node --cpu-prof), summarised with bench/profile-summary.ts. */
  cpuProf?: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { issues: 100_000, dataDir: join(ROOT, 'bench-data'), quick: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '--issues') {
      const n = Number(value().replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1000 || n > 5_000_000) throw new Error('--issues takes a whole number from 1000 to 5000000');
      options.issues = n;
    } else if (arg === '--data-dir') options.dataDir = value();
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--cpu-prof') options.cpuProf = value();
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node --import tsx bench/run.ts [--issues N (default 100000)] [--data-dir DIR (default bench-data)] [--quick] [--cpu-prof DIR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

/** Iteration counts and time caps: each timed loop stops at whichever comes first. */
function budget(quick: boolean) {
  return quick
    ? { warmRounds: 3, warmMs: 2_000, filter: { warmup: 5, iterations: 40 }, text: { warmup: 2, iterations: 10 }, capMs: 4_000, getSeq: 300, getConc: 600, getCapMs: 3_000 }
    : { warmRounds: 20, warmMs: 10_000, filter: { warmup: 20, iterations: 200 }, text: { warmup: 5, iterations: 50 }, capMs: 15_000, getSeq: 2_000, getConc: 4_000, getCapMs: 10_000 };
}

const CONCURRENCY = 4;

/** The timed search request; maxResults=0 asks for the count alone. */
function searchPath(jql: string, maxResults: number): string {
  const fields = maxResults > 0 ? '&fields=summary,status,assignee,priority' : '';
  return `/rest/api/2/search?jql=${encodeURIComponent(jql)}&maxResults=${maxResults}${fields}`;
}

/** Runs `fn` warmup times untimed, then up to `iterations` times or until `capMs` has passed. */
async function timeLoop(fn: () => unknown, warmup: number, iterations: number, capMs: number): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const samples: number[] = [];
  const deadline = performance.now() + capMs;
  for (let i = 0; i < iterations && performance.now() < deadline; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function startServer(database: string, cpuProf?: string): Promise<{ child: ChildProcess; port: number }> {
  const profile = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', join(ROOT, 'bench', 'server.ts'), database], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`unexpected server output: ${line}`));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited early (code ${code})`)); });
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function refusalMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorMessages?: string[]; errors?: Record<string, string> };
    const text = parsed.errorMessages?.[0] ?? Object.values(parsed.errors ?? {})[0] ?? body.toString('utf8');
    return text.length > 140 ? `${text.slice(0, 137)}…` : text;
  } catch {
    return body.toString('utf8').slice(0, 140);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const limits = budget(options.quick);
  const cpu = cpus();
  console.log('Tessera search benchmark');
  console.log(`  node ${process.version} on ${platform()} ${release()}, ${cpu.length} CPU${cpu.length === 1 ? '' : 's'} (${cpu[0]?.model.trim() ?? 'unknown'}), ${mib(totalmem())} RAM`);

  console.log(`  load average at start: ${loadavg().map((v) => v.toFixed(2)).join(' ')} (other work on the machine skews the figures)`);
  const built = await ensureDatabase(options.issues, options.dataDir, (line) => console.log(`  ${line}`));
  const sqliteDb = new BetterSqlite3(built.path, { readonly: true, fileMustExist: true });
  const sqliteVersion = (sqliteDb.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  console.log(`  SQLite ${sqliteVersion}; database ${relative(process.cwd(), built.path)}: ${mib(built.sizeBytes)}, ` +
    `${built.reused ? 'reused (built' : 'built'} in ${(built.buildMs / 1000).toFixed(1)} s${built.reused ? ')' : ''}, schema fingerprint ${built.schemaFingerprint}`);
  console.log(`  rows: ${Object.entries(built.counts).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`);
  console.log(`  full-text: ${built.fts}`);

  const fts = detectFts(sqliteDb);
  const ctx = queryContext(sqliteDb);
  const queries = benchQueries(ctx, fts);
  const { child, port } = await startServer(built.path, options.cpuProf);
  const auth = basicAuth(BENCH_USER, BENCH_PASSWORD);
  const client = new LoopbackClient(port, auth, CONCURRENCY);
  console.log(`  server: pid ${child.pid} on 127.0.0.1:${port}; HTTP as '${BENCH_USER}' (admin, member of every project, Basic auth, cheap scrypt cost)`);
  console.log(`  budget: filter ${limits.filter.warmup} warm-up + ≤${limits.filter.iterations} runs, text ${limits.text.warmup} + ≤${limits.text.iterations}, ≤${limits.capMs / 1000} s per loop`);
  console.log('');

  const results: QueryResult[] = [];
  try {
    // A fresh server runs its code unoptimised at first (V8 compiles hot functions after some thousands of
    // calls): one untimed round over everything timed below, so the first query measured is not the one that
    // pays for it. A running server is warm; this measures that.
    const warmStarted = performance.now();
    const warmPaths = ['/rest/api/2/myself', ...queries.map((q) => searchPath(q.jql, PAGE_SIZE)), ...queries.map((q) => searchPath(q.jql, 0))];
    let rounds = 0;
    while (rounds < limits.warmRounds || performance.now() - warmStarted < limits.warmMs) {
      for (const path of warmPaths) await client.get(path);
      rounds += 1;
    }
    console.log(`  warm-up: ${rounds} untimed rounds of the ${warmPaths.length} requests below in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s`);

    // The floor under every request: authentication, routing, a small JSON answer.
    const baseline = stats(await timeLoop(async () => {
      const r = await client.get('/rest/api/2/myself');
      if (r.status !== 200) throw new Error(`GET myself: HTTP ${r.status}: ${refusalMessage(r.body)}`);
    }, 20, limits.filter.iterations, limits.capMs));
    console.log(`  ${pad('GET myself (floor)', 20)} HTTP p50 ${ms(baseline.p50)} p95 ${ms(baseline.p95)} ms (Basic auth + routing + a small JSON body)`);

    for (const q of queries) {
      const loop = q.kind === 'filter' ? limits.filter : limits.text;
      const count = sqliteDb.prepare(q.countSql).pluck();
      // Rows as arrays: the quickest way better-sqlite3 hands them over (the server's driver does the same).
      const page = sqliteDb.prepare(q.pageSql).raw(true);
      const runSql = () => {
        const n = count.get(...q.params) as number;
        page.all(...q.params);
        return n;
      };
      const sqlTotal = runSql();
      const sqlSamples = await timeLoop(runSql, loop.warmup, loop.iterations, limits.capMs);
      const plan = queryPlan(sqliteDb, q.pageSql, q.params);
      const countPlan = queryPlan(sqliteDb, q.countSql, q.params);

      const path = searchPath(q.jql, PAGE_SIZE);
      const first = await client.get(path);
      const engine = first.status === 200 ? await engineStatements(sqliteDb, q.jql, ctx.visibleProjectIds, BENCH_USER_ID) : [];
      const result: QueryResult = { query: q, supported: first.status === 200, sqlTotal, sql: stats(sqlSamples), plan, countPlan, engine };
      if (first.status === 200) {
        const body = JSON.parse(first.body.toString('utf8')) as { total: number; issues: unknown[] };
        result.httpTotal = body.total;
        result.httpCount = body.issues.length;
        const httpSamples = await timeLoop(async () => {
          const r = await client.get(path);
          if (r.status !== 200) throw new Error(`${q.jql}: HTTP ${r.status} on a timed run: ${refusalMessage(r.body)}`);
        }, loop.warmup, loop.iterations, limits.capMs);
        result.http = stats(httpSamples);
        const countOnlyPath = searchPath(q.jql, 0);
        result.httpCountOnly = stats(await timeLoop(async () => {
          const r = await client.get(countOnlyPath);
          if (r.status !== 200) throw new Error(`${q.jql}: HTTP ${r.status} with maxResults=0: ${refusalMessage(r.body)}`);
        }, loop.warmup, loop.iterations, limits.capMs / 2));
      } else if (first.status === 400) {
        result.refusal = refusalMessage(first.body);
      } else {
        result.supported = false;
        result.refusal = `HTTP ${first.status}: ${refusalMessage(first.body)}`;
      }
      results.push(result);
      const h = result.http ? `HTTP p50 ${ms(result.http.p50)} p95 ${ms(result.http.p95)} ms` : 'not supported by this build';
      console.log(`  ${pad(q.name, 20)} SQL p50 ${ms(result.sql.p50)} p95 ${ms(result.sql.p95)} ms; ${h}`);
    }

    // GET issue: random keys (seeded), default fields, sequential then CONCURRENCY connections.
    const keys = sqliteDb.prepare('SELECT issue_key FROM issues').pluck().all() as string[];
    const rng = new Rng(7);
    const sample = Array.from({ length: 1000 }, () => rng.pick(keys));
    let k = 0;
    const getOne = async (authorization?: string) => {
      const r = await client.get(`/rest/api/2/issue/${sample[k++ % sample.length]}`, authorization);
      if (r.status !== 200) throw new Error(`GET issue: HTTP ${r.status}: ${refusalMessage(r.body)}`);
    };
    const seqSamples = await timeLoop(() => getOne(), 20, limits.getSeq, limits.getCapMs);
    const seqSeconds = seqSamples.reduce((a, b) => a + b, 0) / 1000;
    const concStarted = performance.now();
    const concDeadline = concStarted + limits.getCapMs;
    let concDone = 0;
    const concSamples: number[] = [];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (concDone < limits.getConc && performance.now() < concDeadline) {
        concDone += 1;
        const t0 = performance.now();
        await getOne();
        concSamples.push(performance.now() - t0);
      }
    }));
    const concSeconds = (performance.now() - concStarted) / 1000;
    const slowAuth = basicAuth(BENCH_USER_DEFAULT_COST, BENCH_PASSWORD);
    const slowSamples = await timeLoop(() => getOne(slowAuth), 1, options.quick ? 5 : 20, limits.getCapMs);

    printReport(options.issues, CONCURRENCY, results, baseline, {
      seq: { ...stats(seqSamples), rps: seqSamples.length / seqSeconds },
      conc: { ...stats(concSamples), rps: concSamples.length / concSeconds },
      slow: stats(slowSamples),
    });
  } finally {
    client.close();
    await stopServer(child);
    sqliteDb.close();
  }
  if (options.cpuProf) console.log(`\nServer CPU profile in ${options.cpuProf}: node --import tsx bench/profile-summary.ts ${options.cpuProf}/<file>.cpuprofile`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exitCode = 1;
});
