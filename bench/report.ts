// The benchmark's printed report: the table of HTTP against hand-written SQL, where the HTTP time goes, GET issue,
// and the query plans of both sides. bench/run.ts measures; this file only formats.
import { loadavg } from 'node:os';
import type { EngineStatement } from './engine-plans.js';
import { PAGE_SIZE, type BenchQuery, type queryPlan } from './queries.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export interface Stats { p50: number; p95: number; n: number }

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
}

export const ms = (v: number): string => (Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export interface QueryResult {
  query: BenchQuery;
  supported: boolean;
  refusal?: string;
  httpTotal?: number;
  httpCount?: number;
  sqlTotal: number;
  http?: Stats;
  /** The same search with maxResults=0: the count without fetching and rendering a page. */
  httpCountOnly?: Stats;
  sql: Stats;
  plan: ReturnType<typeof queryPlan>;
  countPlan: ReturnType<typeof queryPlan>;
  /** The server's own statements for the query (count, page) and their plans. */
  engine: EngineStatement[];
}

export interface GetStats { seq: Stats & { rps: number }; conc: Stats & { rps: number }; slow: Stats }

export function printReport(issues: number, concurrency: number, results: QueryResult[], baseline: Stats, get: GetStats): void {
  const targets = issues === 100_000;
  console.log('');
  console.log(`Search: GET /rest/api/2/search?jql=…&maxResults=${PAGE_SIZE}&fields=summary,status,assignee,priority against hand-written SQL (count + page of ${PAGE_SIZE}), times in ms`);
  const header = [pad('query', 20), pad('kind', 6), lpad('HTTP p50', 9), lpad('HTTP p95', 9), lpad('SQL p50', 8), lpad('SQL p95', 8),
    lpad('x p50', 6), lpad('x p95', 6), lpad('total', 8), lpad('SQL total', 9), lpad('runs', 8), targets ? '  target (p95, ≤3x)' : ''].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of results) {
    const runs = `${r.http?.n ?? 0}/${r.sql.n}`;
    if (!r.http) {
      console.log([pad(r.query.name, 20), pad(r.query.kind, 6), lpad('-', 9), lpad('-', 9), lpad(ms(r.sql.p50), 8), lpad(ms(r.sql.p95), 8),
        lpad('-', 6), lpad('-', 6), lpad('-', 8), lpad(r.sqlTotal.toLocaleString('en-US'), 9), lpad(runs, 8), '  not supported by this build'].join(' '));
      continue;
    }
    const x50 = r.http.p50 / r.sql.p50;
    const x95 = r.http.p95 / r.sql.p95;
    const limit = r.query.kind === 'filter' ? 5 : 25;
    const verdict = targets ? `  ${r.http.p95 <= limit ? 'ok' : 'SLOW'} (≤${limit} ms), ${x95 <= 3 ? 'ok' : 'OVER'} (${x95.toFixed(1)}x)` : '';
    const totalNote = r.httpTotal === r.sqlTotal ? '' : ' ≠';
    console.log([pad(r.query.name, 20), pad(r.query.kind, 6), lpad(ms(r.http.p50), 9), lpad(ms(r.http.p95), 9), lpad(ms(r.sql.p50), 8), lpad(ms(r.sql.p95), 8),
      lpad(`${x50.toFixed(1)}x`, 6), lpad(`${x95.toFixed(1)}x`, 6), lpad(`${(r.httpTotal ?? 0).toLocaleString('en-US')}${totalNote}`, 8),
      lpad(r.sqlTotal.toLocaleString('en-US'), 9), lpad(runs, 8), verdict].join(' '));
  }
  console.log('');
  console.log('JQL, hand-written SQL strategy, and why a query was refused:');
  for (const r of results) {
    console.log(`  ${pad(r.query.name, 20)} ${r.query.jql}`);
    console.log(`  ${pad('', 20)} SQL: ${r.query.sqlNote}`);
    if (r.refusal) console.log(`  ${pad('', 20)} not supported by this build: ${r.refusal}`);
    if (r.httpTotal !== undefined && r.httpTotal !== r.sqlTotal) {
      const why = r.query.name.startsWith('created') ? 'a relative date: the server\'s "now" is later than the benchmark\'s' : 'semantics or tokenisation differ';
      console.log(`  ${pad('', 20)} note: HTTP total ${r.httpTotal} differs from the SQL count ${r.sqlTotal} (${why})`);
    }
  }
  console.log('');
  console.log(`Where the HTTP time goes (p50, ms): floor = GET /myself (auth + routing) ${ms(baseline.p50)}; count = the same JQL with maxResults=0`);
  console.log(`  ${pad('query', 20)} ${lpad('floor', 7)} ${lpad('count', 7)} ${lpad('page+', 7)} ${lpad('SQL', 7)}   (page+ = full request − count-only request: page query, issue views, JSON)`);
  for (const r of results) {
    if (!r.http || !r.httpCountOnly) continue;
    console.log(`  ${pad(r.query.name, 20)} ${lpad(ms(baseline.p50), 7)} ${lpad(ms(r.httpCountOnly.p50), 7)} ${lpad(ms(r.http.p50 - r.httpCountOnly.p50), 7)} ${lpad(ms(r.sql.p50), 7)}`);
  }
  console.log('');
  console.log('GET /rest/api/2/issue/{key} (all fields, random keys):');
  console.log(`  sequential, 1 connection:       ${get.seq.rps.toFixed(0)} req/s (p50 ${ms(get.seq.p50)} ms, p95 ${ms(get.seq.p95)} ms, ${get.seq.n} requests)`);
  console.log(`  concurrent, ${concurrency} connections:      ${get.conc.rps.toFixed(0)} req/s (p50 ${ms(get.conc.p50)} ms, p95 ${ms(get.conc.p95)} ms, ${get.conc.n} requests)`);
  console.log(`  Basic auth at the default scrypt cost (N=2^15), sequential: p50 ${ms(get.slow.p50)} ms, p95 ${ms(get.slow.p95)} ms (${get.slow.n} requests)`);
  console.log('');
  console.log(`Load average at the end: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log('');
  console.log('Where the time goes: SQLite EXPLAIN QUERY PLAN of the hand-written SQL (page, count), then of the server\'s own statements');
  for (const r of results) {
    console.log(`  ${r.query.name}:`);
    for (const { detail, depth } of r.plan.lines) console.log(`    page  ${'  '.repeat(depth)}${detail}`);
    for (const { detail, depth } of r.countPlan.lines) console.log(`    count ${'  '.repeat(depth)}${detail}`);
    for (const [i, statement] of r.engine.entries()) {
      const label = i === 0 ? 'server count' : 'server page';
      for (const { detail, depth } of statement.plan) console.log(`    ${label} ${'  '.repeat(depth)}${detail}`);
    }
    const scans = [...new Set([...r.plan.fullScans, ...r.countPlan.fullScans, ...r.engine.flatMap((e) => e.fullScans)])];
    for (const s of scans) console.log(`    !! ${s}`);
  }
}

