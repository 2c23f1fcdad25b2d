// Reads issue request bodies (IssueUpdateBean for create and edit, transitions, assignee) into the service's
// typed inputs. Every wrong type becomes a Jira 400 naming the field, never a 500. Values come from `fields`
// (set) or from `update` operations (`set`, `add`, `remove`; `comment: [{"add": {"body"}}]`); a field may not
// appear in both.
import { AppError } from '../../errors/app-error.js';
import type { TransitionInput } from '../../services/issue-changes.js';
import { validationError, type CreateIssueInput, type EditIssueInput, type ListEdit, type Ref } from '../../services/issue-input.js';

type Errors = Record<string, string>;
type JsonObject = Record<string, unknown>;
interface Ops { set?: unknown; add: unknown[]; remove: unknown[] }

const LIST_FIELDS = new Set(['labels', 'components', 'fixVersions']);
const SCALAR_FIELDS = ['summary', 'description', 'priority', 'assignee', 'reporter', 'duedate', 'environment'];
const CREATE_FIELDS = new Set(['project', 'issuetype', 'parent', ...SCALAR_FIELDS, ...LIST_FIELDS]);
const EDIT_FIELDS = new Set([...SCALAR_FIELDS, ...LIST_FIELDS, 'comment']);
const TRANSITION_FIELDS = new Set([...EDIT_FIELDS, 'resolution']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const cannotSet = (field: string) => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

function requireObject(body: unknown, example: string): JsonObject {
  if (isObject(body)) return body;
  throw new AppError('bad_request', 'invalid_body', `The request body must be a JSON object, for example ${example}.`);
}

export function parseCreateIssueBody(body: unknown): CreateIssueInput {
  const errors: Errors = {};
  const ops = collect(requireObject(body, '{"fields": {"summary": "…"}}'), CREATE_FIELDS, errors);
  const value = (field: string) => ops.get(field)?.set;
  const input: CreateIssueInput = {
    project: readRef('project', value('project'), ['id', 'key'], errors),
    issueType: readRef('issuetype', value('issuetype'), ['id', 'name'], errors),
    parent: readRef('parent', value('parent'), ['id', 'key'], errors),
    summary: readString('summary', value('summary'), false, errors) ?? undefined,
    ...scalars(ops, errors),
    labels: listOps('labels', ops, errors)?.set,
    components: refListOps('components', ops, errors)?.set,
    fixVersions: refListOps('fixVersions', ops, errors)?.set,
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return input;
}

export function parseEditIssueBody(body: unknown, allowed: ReadonlySet<string> = EDIT_FIELDS, errors: Errors = {}): EditIssueInput {
  const ops = collect(requireObject(body, '{"fields": {"summary": "…"}}'), allowed, errors);
  const input: EditIssueInput = {
    ...(ops.has('summary') ? { summary: readString('summary', ops.get('summary')?.set, false, errors) ?? undefined } : {}),
    ...scalars(ops, errors),
    labels: listOps('labels', ops, errors),
    components: refListOps('components', ops, errors),
    fixVersions: refListOps('fixVersions', ops, errors),
    comments: (ops.get('comment')?.add ?? []).map((c) => commentBody(c, errors)),
  };
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return input;
}

/** `{"transition": {"id": "31"} | {"id": 31}, "fields": {…}, "update": {…}}`. */
export function parseTransitionBody(body: unknown): TransitionInput {
  const object = requireObject(body, '{"transition": {"id": "31"}}');
  const transition = object['transition'];
  const id = isObject(transition) ? transition['id'] : undefined;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isInteger(id))) {
    throw validationError({ transition: "The transition must be given as {\"transition\": {\"id\": \"…\"}}." });
  }
  const errors: Errors = {};
  const fields = isObject(object['fields']) ? object['fields'] : {};
  const resolution = readRef('resolution', fields['resolution'], ['id', 'name'], errors);
  const rest = { ...object, fields: Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'resolution')) };
  if (object['fields'] !== undefined && !isObject(object['fields'])) errors['fields'] = "'fields' must be a JSON object.";
  const edit = parseEditIssueBody({ fields: rest.fields, update: object['update'] }, TRANSITION_FIELDS, errors);
  return { transitionId: String(id).trim(), resolution, edit };
}

/** `{"name": "bob"}`, `{"name": null}` (unassign), `{"name": "-1"}` (automatic); `key` is accepted too. */
export function parseAssigneeBody(body: unknown): string | null {
  const object = requireObject(body, '{"name": "bob"}');
  const name = object['name'] !== undefined ? object['name'] : object['key'];
  if (name === undefined || name === null) return null;
  if (typeof name !== 'string') throw validationError({ assignee: "'name' must be a username or null." });
  return name.trim() === '' ? null : name;
}

function scalars(ops: Map<string, Ops>, errors: Errors): Partial<EditIssueInput> {
  const out: Partial<EditIssueInput> = {};
  if (ops.has('description')) out.description = readString('description', ops.get('description')?.set, true, errors);
  if (ops.has('environment')) out.environment = readString('environment', ops.get('environment')?.set, true, errors);
  if (ops.has('duedate')) out.dueDate = readString('duedate', ops.get('duedate')?.set, true, errors);
  if (ops.has('priority')) out.priority = readRef('priority', ops.get('priority')?.set, ['id', 'name'], errors);
  for (const field of ['assignee', 'reporter'] as const) {
    if (!ops.has(field)) continue;
    const value = ops.get(field)?.set;
    if (value === null) out[field] = null;
    else {
      const ref = readRef(field, value, ['name', 'key'], errors);
      out[field] = ref?.name ?? ref?.key ?? null;
    }
  }
  return out;
}

function collect(body: JsonObject, allowed: ReadonlySet<string>, errors: Errors): Map<string, Ops> {
  const ops = new Map<string, Ops>();
  const fields = body['fields'] ?? {};
  const update = body['update'] ?? {};
  if (!isObject(fields)) errors['fields'] = "'fields' must be a JSON object.";
  else for (const [field, value] of Object.entries(fields)) ops.set(field, { set: value, add: [], remove: [] });
  if (!isObject(update)) errors['update'] = "'update' must be a JSON object.";
  else {
    for (const [field, operations] of Object.entries(update)) {
      if (ops.has(field)) errors[field] = `Field '${field}' cannot appear in both 'fields' and 'update'.`;
      else {
        const parsed = readOperations(field, operations, errors);
        if (parsed) ops.set(field, parsed);
      }
    }
  }
  for (const field of ops.keys()) if (!allowed.has(field)) errors[field] = cannotSet(field);
  return ops;
}

/** `[{"set": v}, {"add": v}, {"remove": v}]`; add/remove only on lists (and add on comment). */
function readOperations(field: string, operations: unknown, errors: Errors): Ops | undefined {
  if (!Array.isArray(operations)) {
    errors[field] = `The operations on '${field}' must be a JSON array, for example [{"set": …}].`;
    return undefined;
  }
  const ops: Ops = { add: [], remove: [] };
  const multi = LIST_FIELDS.has(field) || field === 'comment';
  for (const operation of operations) {
    const entries = isObject(operation) ? Object.entries(operation) : [];
    const [name, operand] = entries[0] ?? [];
    if (entries.length === 1 && name === 'set' && field !== 'comment') ops.set = operand;
    else if (entries.length === 1 && name === 'add' && multi) ops.add.push(operand);
    else if (entries.length === 1 && name === 'remove' && LIST_FIELDS.has(field)) ops.remove.push(operand);
    else {
      const allowed = field === 'comment' ? "'add'" : multi ? "'set', 'add' and 'remove'" : "the 'set' operation";
      errors[field] = `Only ${allowed} ${multi && field !== 'comment' ? 'are' : 'is'} supported on '${field}', not '${String(name)}'.`;
      return undefined;
    }
  }
  return ops;
}

function listOps(field: string, ops: Map<string, Ops>, errors: Errors): ListEdit<string> | undefined {
  const op = ops.get(field);
  if (!op) return undefined;
  const str = (v: unknown) => {
    if (typeof v === 'string') return [v];
    errors[field] = `The values of '${field}' must be strings.`;
    return [];
  };
  let set: string[] | undefined;
  if (op.set !== undefined) {
    if (op.set === null) set = [];
    else if (Array.isArray(op.set)) set = op.set.flatMap(str);
    else errors[field] = `The value of '${field}' must be a list of strings.`;
  }
  return { set, add: op.add.flatMap(str), remove: op.remove.flatMap(str) };
}

function refListOps(field: string, ops: Map<string, Ops>, errors: Errors): ListEdit<Ref> | undefined {
  const op = ops.get(field);
  if (!op) return undefined;
  const ref = (v: unknown) => {
    const r = readRef(field, v, ['id', 'name'], errors);
    return r && (r.id !== undefined || r.name !== undefined) ? [r] : [];
  };
  let set: Ref[] | undefined;
  if (op.set !== undefined) {
    if (op.set === null) set = [];
    else if (Array.isArray(op.set)) set = op.set.flatMap(ref);
    else errors[field] = `The value of '${field}' must be a list such as [{"name": "…"}].`;
  }
  return { set, add: op.add.flatMap(ref), remove: op.remove.flatMap(ref) };
}

function commentBody(value: unknown, errors: Errors): string {
  if (isObject(value) && typeof value['body'] === 'string') return value['body'];
  errors['comment'] = 'A comment to add must be {"body": "…"}.';
  return '';
}

function readString(field: string, value: unknown, nullable: boolean, errors: Errors): string | null | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (value === null && nullable) return null;
  errors[field] = 'Operation value must be a string';
  return undefined;
}

function readRef(field: string, value: unknown, keys: ReadonlyArray<keyof Ref>, errors: Errors): Ref | undefined {
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
