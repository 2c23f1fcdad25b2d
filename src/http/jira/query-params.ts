// Query parameters as Jira clients send them: python-style booleans (`True`, `False`), lists given as repeated
// parameters (python-jira), as comma lists (jira.js) or both, and numbers that must not turn into a 500.
import { AppError } from '../../errors/app-error.js';

export type Query = Record<string, string | string[] | undefined>;

/** Jira's request integers are 32-bit. */
export const MAX_INT32 = 2147483647;

export function asQuery(query: unknown): Query {
  return typeof query === 'object' && query !== null ? (query as Query) : {};
}

/** The last value given for `name` (a repeated scalar parameter: the last one wins). */
export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `fields=a&fields=b,c` → ['a', 'b', 'c']. */
export function queryList(query: Query, name: string): string[] {
  const value = query[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return splitList(values);
}

export function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function parseBoolean(name: string, raw: string | boolean | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  const lowered = raw.trim().toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  throw new AppError('bad_request', 'invalid_parameter', `The value '${raw}' of '${name}' is not a boolean: use true or false.`);
}

export function queryBoolean(query: Query, name: string, fallback: boolean): boolean {
  return parseBoolean(name, queryValue(query, name), fallback);
}

/** A whole number ≥ 0; larger than Jira's 32-bit limit counts as the limit. */
export function parseCount(name: string, raw: string | number | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return Math.min(raw, MAX_INT32);
  const text = String(raw).trim();
  if (!/^[0-9]+$/.test(text)) {
    throw new AppError('bad_request', 'invalid_parameter', `The value '${String(raw)}' of '${name}' must be a whole number, 0 or more.`);
  }
  return Math.min(Number(text), MAX_INT32);
}

export function queryCount(query: Query, name: string, fallback: number): number {
  return parseCount(name, queryValue(query, name), fallback);
}
