// JQL date values and date functions, as instants (ms since the epoch). The current time is a parameter, never
// read here, so a search is reproducible and testable. Tessera has no per-user time zone yet: every date is
// interpreted in UTC (documented in docs/rest-api.md); weeks start on Sunday, as in Jira's default (en_US) locale.

const MINUTE = 60_000;
const UNIT_MS: Readonly<Record<string, number>> = { w: 7 * 24 * 60 * MINUTE, d: 24 * 60 * MINUTE, h: 60 * MINUTE, m: MINUTE };

const ABSOLUTE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;
const RELATIVE_PART = /^([+-]?)(\d+)([wdhm]?)$/;

/**
 * `"yyyy/MM/dd HH:mm"`, `"yyyy-MM-dd HH:mm"`, `"yyyy/MM/dd"`, `"yyyy-MM-dd"` (midnight), or an offset from now:
 * `-7d`, `"-4w 2d"` (the sign of the first part carries to unsigned later parts), units w d h m, minutes by
 * default, a bare number included (`created > -60`). Undefined when the text is none of these.
 */
export function parseDateValue(value: string | number, now: number): number | undefined {
  const text = String(value).trim();
  const absolute = ABSOLUTE.exec(text);
  if (absolute) {
    const [, y, mo, d, h, mi] = absolute;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
    const check = new Date(ms);
    // Date.UTC rolls 2024-02-31 over to March; Jira refuses such dates, and so do we.
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59) return undefined;
    return ms;
  }
  const parts = text.split(/\s+/);
  if (text === '' || parts.length > 8) return undefined;
  let offset = 0;
  let sign = 1;
  for (const part of parts) {
    const m = RELATIVE_PART.exec(part);
    if (!m) return undefined;
    if (m[1] === '-') sign = -1;
    else if (m[1] === '+') sign = 1; // an unsigned part keeps the sign before it ("-4w 2d" is 4w 2d ago)
    offset += sign * Number(m[2]) * (UNIT_MS[m[3] || 'm'] ?? MINUTE);
  }
  return Number.isFinite(offset) ? now + offset : undefined;
}

export type Period = 'Day' | 'Week' | 'Month' | 'Year';

/** The start of the period containing `t` (UTC). */
function startOf(period: Period, t: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (period) {
    case 'Day': return Date.UTC(y, mo, d.getUTCDate());
    case 'Week': return Date.UTC(y, mo, d.getUTCDate() - d.getUTCDay());
    case 'Month': return Date.UTC(y, mo, 1);
    case 'Year': return Date.UTC(y, 0, 1);
  }
}

/** Adds `amount` units, calendar-aware for months and years (Jan 31 + 1M = Feb 28/29). */
function add(t: number, amount: number, unit: string): number {
  const d = new Date(t);
  if (unit === 'M' || unit === 'y') {
    const months = unit === 'M' ? amount : amount * 12;
    const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay),
      d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  }
  return t + amount * (UNIT_MS[unit] ?? MINUTE);
}

const NATURAL_UNIT: Readonly<Record<Period, string>> = { Day: 'd', Week: 'w', Month: 'M', Year: 'y' };
const INCREMENT = /^([+-]?)(\d{1,6})([yMwdhm]?)$/;

/**
 * `startOfDay(-1d)`, `endOfMonth("+1M")`: the boundary of the period containing now, then the increment
 * (`(+|-)nn(y|M|w|d|h|m)`, unit defaulting to the period: `startOfWeek(1)` is next week).
 * Undefined for an increment of the wrong form.
 */
export function dateBoundary(edge: 'start' | 'end', period: Period, increment: string | undefined, now: number): number | undefined {
  let amount = 0;
  let unit = NATURAL_UNIT[period];
  if (increment !== undefined && increment.trim() !== '') {
    const m = INCREMENT.exec(increment.trim());
    if (!m) return undefined;
    amount = (m[1] === '-' ? -1 : 1) * Number(m[2]);
    unit = m[3] || unit;
  }
  const start = startOf(period, now);
  if (edge === 'start') return add(start, amount, unit);
  // Shift the next period's start, then step back 1 ms: endOfMonth(-1M) is May 31, not "June 30 minus a month".
  return add(add(start, 1, NATURAL_UNIT[period]), amount, unit) - 1;
}

/** The date functions by lower-case name, or undefined for a name that is not one. */
export function dateFunction(name: string, args: readonly string[], now: number): number | undefined {
  const lower = name.toLowerCase();
  if (lower === 'now') return now;
  const m = /^(start|end)of(day|week|month|year)$/.exec(lower);
  if (!m) return undefined;
  const period = (m[2]!.charAt(0).toUpperCase() + m[2]!.slice(1)) as Period;
  return dateBoundary(m[1] as 'start' | 'end', period, args[0], now);
}

/** The UTC calendar day of an instant, as due dates are stored (`YYYY-MM-DD`). */
export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
