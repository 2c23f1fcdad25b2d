// Reads Jira request bodies (IssueUpdateBean, comment, search) into the service's typed inputs. Every wrong
// type becomes a Jira 400 naming the field, never a 500. Values may come from `fields` or from `update`
// operations (`"summary": [{"set": "…"}]`), as Jira allows; a field may not appear in both.
import { AppError } from '../../errors/app-error.js';
import { validationError, type CreateIssueInput, type EditIssueInput, type Ref } from '../../services/issue-input.js';
import { parseBoolean, parseCount, splitList } from './query-params.js';

type Errors = Record<string, string>;
type JsonObject = Record<string, unknown>;

const CREATE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'priority']);
const EDIT_FIELDS = new Set(['summary', 'description', 'priority']);
const NONE = Symbol('none');

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const cannotSet = (field: string) => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

function requireObject(body: unknown, example: string): JsonObject {
  if (isObject(body)) return body;
  throw new AppError('bad_request', 'invalid_body', `The request body must be a JSON object, for example ${example}.`);
}

export function parseCreateIssueBody(body: unknown): CreateIssueInput {
  const errors: Errors = {};
  const values = collectFieldValues(requireObject(body, '{"fields": {"summary": "…"}}'), CREATE_FIELDS, errors);
  const input: CreateIssueInput = {
    project: readRef('project', values, ['id', 'key'], errors),
    issueType: readRef('issuetype', values, ['id', 'name'], errors),
    summary: readString('summary', values, false, errors) ?? undefined,
    description: readString('description', values, true, errors),
    priority: readRef('priority', values, ['id', 'name'], errors),
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return input;
}

export function parseEditIssueBody(body: unknown): EditIssueInput {
  const errors: Errors = {};
  const values = collectFieldValues(requireObject(body, '{"fields": {"summary": "…"}}'), EDIT_FIELDS, errors);
  const input: EditIssueInput = {
    summary: readString('summary', values, false, errors) ?? undefined,
    description: readString('description', values, true, errors),
    priority: readRef('priority', values, ['id', 'name'], errors),
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return input;
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

function collectFieldValues(body: JsonObject, allowed: ReadonlySet<string>, errors: Errors): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const fields = body['fields'] ?? {};
  const update = body['update'] ?? {};
  if (!isObject(fields)) errors['fields'] = "'fields' must be a JSON object.";
  else for (const [field, value] of Object.entries(fields)) values.set(field, value);
  if (!isObject(update)) errors['update'] = "'update' must be a JSON object.";
  else {
    for (const [field, operations] of Object.entries(update)) {
      if (values.has(field)) errors[field] = `Field '${field}' cannot appear in both 'fields' and 'update'.`;
      else {
        const value = setValueOf(field, operations, errors);
        if (value !== NONE) values.set(field, value);
      }
    }
  }
  for (const field of values.keys()) if (!allowed.has(field)) errors[field] = cannotSet(field);
  return values;
}

/** `[{"set": v}]` → v; an empty list → no change. Only `set` exists for the fields supported so far. */
function setValueOf(field: string, operations: unknown, errors: Errors): unknown {
  if (!Array.isArray(operations)) {
    errors[field] = `The operations on '${field}' must be a JSON array, for example [{"set": …}].`;
    return NONE;
  }
  let value: unknown = NONE;
  for (const operation of operations) {
    const entries = isObject(operation) ? Object.entries(operation) : [];
    const [name, operand] = entries[0] ?? [];
    if (entries.length !== 1 || name !== 'set') {
      errors[field] = `Only the 'set' operation is supported on '${field}', for example [{"set": …}].`;
      return NONE;
    }
    value = operand;
  }
  return value;
}

function readString(field: string, values: Map<string, unknown>, nullable: boolean, errors: Errors): string | null | undefined {
  const value = values.get(field);
  if (value === undefined || typeof value === 'string') return value;
  if (value === null && nullable) return null;
  errors[field] = 'Operation value must be a string';
  return undefined;
}

function readRef(field: string, values: Map<string, unknown>, keys: ReadonlyArray<keyof Ref>, errors: Errors): Ref | undefined {
  const value = values.get(field);
  if (value === undefined) return undefined;
  const example = keys.map((k) => `{"${k}": "…"}`).join(' or ');
  if (!isObject(value)) {
    errors[field] = `The value of '${field}' must be an object such as ${example}.`;
    return undefined;
  }
  const ref: Ref = {};
  for (const key of keys) {
    const part = value[key];
    if (part === undefined || part === null) continue;
    if (typeof part === 'string' || (key === 'id' && typeof part === 'number' && Number.isInteger(part))) ref[key] = String(part);
    else errors[field] = `'${field}.${key}' must be a string.`;
  }
  return ref;
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
