// Reads Jira request bodies (comment, search) into the service's typed inputs. Every wrong type becomes a
// Jira 400 naming the field, never a 500. Issue bodies (IssueUpdateBean, transitions) are in issue-bodies.ts.
import { AppError } from '../../errors/app-error.js';
import { validationError } from '../../services/issue-input.js';
import { parseBoolean, parseCount, splitList } from './query-params.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function requireObject(body: unknown, example: string): JsonObject {
  if (isObject(body)) return body;
  throw new AppError('bad_request', 'invalid_body', `The request body must be a JSON object, for example ${example}.`);
}

export function parseCommentBody(body: unknown): string {
  const object = requireObject(body, '{"body": "…"}');
  if (object['visibility'] !== undefined && object['visibility'] !== null) {
    throw validationError({ visibility: 'Comment visibility restrictions are not supported yet.' });
  }
  const text = object['body'];
  if (text === undefined || text === null) throw validationError({ comment: 'Comment body can not be empty!' });
  if (typeof text !== 'string') throw validationError({ comment: 'The comment body must be a string.' });
  return text;
}

export interface SearchParams {
  jql: string;
  startAt: number;
  /** As asked; the route clamps it. */
  maxResults: number | undefined;
  fields: string[];
  expand: string[];
  validateQuery: boolean;
}

/** POST /search: `{"jql", "startAt", "maxResults", "fields": [..], "expand": [..] | "a,b", "validateQuery"}`. */
export function parseSearchBody(body: unknown): SearchParams {
  const object = body === undefined || body === null ? {} : requireObject(body, '{"jql": "project = DEMO"}');
  const jql = object['jql'] ?? '';
  if (typeof jql !== 'string') throw validationError({ jql: 'The JQL query must be a string.' });
  return {
    jql,
    startAt: parseCount('startAt', numberOrString('startAt', object['startAt']), 0),
    maxResults: object['maxResults'] === undefined || object['maxResults'] === null
      ? undefined : parseCount('maxResults', numberOrString('maxResults', object['maxResults']), 50),
    fields: stringList('fields', object['fields']),
    expand: stringList('expand', object['expand']),
    validateQuery: readValidateQuery(object['validateQuery']),
  };
}

function numberOrString(name: string, value: unknown): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw validationError({ [name]: `'${name}' must be a whole number.` });
}

function stringList(name: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return splitList([value]);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return splitList(value as string[]);
  throw validationError({ [name]: `'${name}' must be a list of strings.` });
}

/** Jira takes a boolean, or `strict` / `warn` / `none` (only `strict` fails on unknown values). */
function readValidateQuery(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase();
    if (lowered === 'strict') return true;
    if (lowered === 'warn' || lowered === 'none') return false;
    return parseBoolean('validateQuery', value, true);
  }
  if (typeof value === 'boolean') return value;
  throw validationError({ validateQuery: "'validateQuery' must be true, false, 'strict', 'warn' or 'none'." });
}
