// The checks that need no data: does the field exist, does it take this operator, this operand shape, these
// functions and these history predicates, can it be sorted. They run over the whole query before any lookup,
// so a malformed query costs no database work. Messages follow Jira's wording and name the field and value.
import { AppError } from '../../errors/app-error.js';
import type { ChangedTerminal, FunctionCall, Operand, OperandTerminal, Query, SortKey, Terminal, Clause } from './ast.js';
import { resolveField, resolveFunction, type FieldDefinition, type FieldType, type FunctionResult } from './fields.js';

/** Fields the tables know but Tessera does not store yet. */
const UNSUPPORTED_FIELDS: ReadonlySet<string> = new Set(['watcher', 'voter', 'lastViewed', 'affectedVersion']);
/** Which function results each field type accepts. */
const FUNCTIONS_FOR: Readonly<Partial<Record<FieldType, readonly FunctionResult[]>>> = {
  user: ['user', 'users'], date: ['date'], issuetype: ['issuetypes'], version: ['versions'],
};
const IMPLEMENTED_FUNCTIONS: ReadonlySet<FunctionResult> = new Set(['user', 'users', 'date', 'issuetypes', 'versions']);
/** Fields ORDER BY accepts (by canonical name). */
const SORTABLE: ReadonlySet<string> = new Set([
  'project', 'issuetype', 'status', 'statusCategory', 'assignee', 'reporter', 'creator', 'priority', 'created', 'updated',
  'resolved', 'due', 'resolution', 'summary', 'key', 'parent',
]);
const HISTORY_FIELD_OPS = new Set(['was', 'was not', 'was in', 'was not in', 'changed']);

const invalid = (code: 'jql_unknown_field' | 'jql_invalid_operator' | 'jql_invalid_function' | 'jql_unsupported', message: string) =>
  code === 'jql_unknown_field' ? new AppError('bad_request', 'jql_unknown_field', message)
    : code === 'jql_invalid_operator' ? new AppError('bad_request', 'jql_invalid_operator', message)
      : code === 'jql_invalid_function' ? new AppError('bad_request', 'jql_invalid_function', message)
        : new AppError('bad_request', 'jql_unsupported', message);

/** The system field a clause or sort key names; unknown and not-yet-stored fields are 400s. */
export function fieldOf(field: { name: string; customFieldId?: number }): FieldDefinition {
  const def = field.customFieldId === undefined ? resolveField(field.name) : undefined;
  if (!def) throw invalid('jql_unknown_field', `Field '${field.name}' does not exist or you do not have permission to view it.`);
  if (UNSUPPORTED_FIELDS.has(def.name)) throw invalid('jql_unsupported', `Field '${def.name}' is not supported by Tessera yet.`);
  return def;
}

export function checkFunction(call: FunctionCall, def: FieldDefinition, wantList: boolean): void {
  const fn = resolveFunction(call.name);
  if (!fn) throw invalid('jql_invalid_function', `Unable to find JQL function '${call.name}(${call.args.join(', ')})'.`);
  if (!IMPLEMENTED_FUNCTIONS.has(fn.result)) throw invalid('jql_unsupported', `Function '${fn.name}' is not supported by Tessera yet.`);
  if (call.args.length < fn.minArgs || call.args.length > fn.maxArgs) {
    throw invalid('jql_invalid_function', `Function '${fn.name}' expects ${fn.minArgs === fn.maxArgs ? fn.minArgs : `${fn.minArgs} to ${fn.maxArgs}`} argument(s) but got ${call.args.length}.`);
  }
  if (!(FUNCTIONS_FOR[def.type] ?? []).includes(fn.result)) {
    throw invalid('jql_invalid_function', `A value provided by the function '${fn.name}' is invalid for the field '${def.name}'.`);
  }
  if (fn.list && !wantList) {
    throw invalid('jql_invalid_function', `Function '${fn.name}' returns a list and cannot be used with a single-value operator on field '${def.name}'.`);
  }
}

function checkOperand(operand: Operand, def: FieldDefinition, operator: string): void {
  const wantList = operator.endsWith('in');
  switch (operand.kind) {
    case 'function': return checkFunction(operand, def, wantList);
    case 'list':
      for (const item of operand.items) {
        if (item.kind === 'list') throw invalid('jql_invalid_operator', `Nested lists are not supported for the field '${def.name}'.`);
        checkOperand(item, def, 'in');
      }
      return;
    case 'empty':
      if (['<', '>', '<=', '>=', '~', '!~'].includes(operator)) {
        throw invalid('jql_invalid_operator', `The operator '${operator}' does not support EMPTY for the field '${def.name}'.`);
      }
      return;
    case 'value':
      if (operator === 'is' || operator === 'is not') {
        throw invalid('jql_invalid_operator', `The operator '${operator.toUpperCase()}' only supports EMPTY or NULL for the field '${def.name}'.`);
      }
  }
}

function checkTerminal(t: Terminal): FieldDefinition {
  const def = fieldOf(t.field);
  if (!def.operators.has(t.operator)) {
    throw invalid('jql_invalid_operator', `The operator '${t.operator.toUpperCase()}' is not supported by the '${def.name}' field.`);
  }
  if (t.operator !== 'changed') checkOperand((t as OperandTerminal).operand, def, t.operator);
  if (!HISTORY_FIELD_OPS.has(t.operator) && t.predicates.length > 0) {
    throw invalid('jql_invalid_operator', `History predicates are only valid after WAS or CHANGED (field '${def.name}').`);
  }
  for (const p of t.predicates) {
    if ((p.kind === 'from' || p.kind === 'to') && t.operator !== 'changed') {
      throw invalid('jql_invalid_operator', `The predicate '${p.kind.toUpperCase()}' is only valid after CHANGED (field '${def.name}').`);
    }
    const items = p.operand.kind === 'list' ? p.operand.items : [p.operand];
    for (const item of items) if (item.kind === 'function') resolveHistoryFunction(item, p.kind, def);
  }
  return def;
}

function resolveHistoryFunction(call: FunctionCall, kind: string, def: FieldDefinition): void {
  if (kind === 'by') return checkFunction(call, { ...def, type: 'user' }, true);
  if (kind === 'from' || kind === 'to') return checkFunction(call, def, true);
  return checkFunction(call, { ...def, type: 'date' }, false);
}

function* terminals(clause: Clause | undefined): Generator<OperandTerminal | ChangedTerminal> {
  if (!clause) return;
  if (clause.kind === 'terminal') yield clause;
  else if (clause.kind === 'not') yield* terminals(clause.clause);
  else for (const c of clause.clauses) yield* terminals(c);
}

/** Checks every clause and sort key; returns each terminal's field definition for the compiler. */
export function checkQuery(query: Query): Map<Terminal, FieldDefinition> {
  const defs = new Map<Terminal, FieldDefinition>();
  for (const t of terminals(query.where)) defs.set(t, checkTerminal(t));
  for (const key of query.orderBy) sortFieldOf(key);
  return defs;
}

export function sortFieldOf(key: SortKey): FieldDefinition {
  const def = fieldOf(key.field);
  if (!SORTABLE.has(def.name)) throw invalid('jql_invalid_operator', `Field '${def.name}' does not support sorting.`);
  return def;
}
