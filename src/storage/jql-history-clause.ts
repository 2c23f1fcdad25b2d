// WAS / WAS NOT / WAS IN / WAS NOT IN / CHANGED clauses: operands and predicates resolved into the changelog's
// terms (ids as text for status/priority/resolution, usernames for users), then handed to jql-history.ts.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { HistoryPredicate, Terminal } from '../domain/jql/ast.js';
import type { FieldDefinition } from '../domain/jql/fields.js';
import { AppError } from '../errors/app-error.js';
import { changedClause, HISTORY_FIELDS, NO_LOWER, NO_UPPER, wasClause, type HistoryWindow, type ValueSet } from './jql-history.js';
import { resolveDates, resolveIds, resolveUsers } from './jql-resolve.js';
import { atomsOf, type JqlValues } from './jql-values.js';

const DAY = 24 * 60 * 60 * 1000;

async function valueSet(values: JqlValues, def: FieldDefinition, predicate: { operand: HistoryPredicate['operand'] }): Promise<ValueSet> {
  const atoms = atomsOf(predicate.operand);
  if (def.type === 'user') {
    const set: ValueSet = { values: [], empty: atoms.some((a) => a.kind === 'empty') };
    for (const atom of atoms) (set.values as string[]).push(...(await resolveUsers(values, def.name, atom)).map((u) => u.username));
    return set;
  }
  const ids = await resolveIds(values, def, '=', atoms);
  return { values: ids.ids.map(String), empty: ids.empty };
}

/** The intersection of every BEFORE/AFTER/ON/DURING/BY predicate. */
async function windowOf(values: JqlValues, def: FieldDefinition, predicates: readonly HistoryPredicate[]): Promise<HistoryWindow> {
  const w: HistoryWindow = { lo: NO_LOWER, hi: NO_UPPER };
  for (const p of predicates) {
    if (p.kind === 'by') {
      const ids: number[] = [];
      for (const atom of atomsOf(p.operand)) ids.push(...(await resolveUsers(values, 'by', atom)).map((u) => u.id));
      w.by = w.by === undefined ? ids : w.by.filter((id) => ids.includes(id));
      continue;
    }
    if (p.kind === 'from' || p.kind === 'to') continue;
    const dates = await resolveDates(values, def.name, atomsOf(p.operand));
    if (dates.length === 0) return { lo: NO_UPPER, hi: NO_LOWER }; // an invalid date matches nothing
    const first = dates[0]!;
    if (p.kind === 'before') w.hi = Math.min(w.hi, first - 1);
    else if (p.kind === 'after') w.lo = Math.max(w.lo, first);
    else if (p.kind === 'on') {
      const day = first - (((first % DAY) + DAY) % DAY);
      w.lo = Math.max(w.lo, day);
      w.hi = Math.min(w.hi, day + DAY - 1);
    } else {
      if (dates.length !== 2) throw new AppError('bad_request', 'jql_invalid_value', `DURING needs two dates (start, end) for the field '${def.name}'.`);
      w.lo = Math.max(w.lo, Math.min(first, dates[1]!));
      w.hi = Math.min(w.hi, Math.max(first, dates[1]!));
    }
  }
  return w;
}

export async function compileHistory(values: JqlValues, def: FieldDefinition, t: Terminal): Promise<RawBuilder<SqlBool>> {
  const current = HISTORY_FIELDS[def.name];
  if (!current) throw new AppError('bad_request', 'jql_unsupported', `History searches (WAS, CHANGED) are not supported for the field '${def.name}'.`);
  const window = await windowOf(values, def, t.predicates);
  if (t.operator === 'changed') {
    const from = t.predicates.find((p) => p.kind === 'from');
    const to = t.predicates.find((p) => p.kind === 'to');
    return changedClause(def.name, from && (await valueSet(values, def, from)), to && (await valueSet(values, def, to)), window);
  }
  const was = wasClause(def.name, current, await valueSet(values, def, t), window);
  return t.operator === 'was not' || t.operator === 'was not in' ? sql<SqlBool>`NOT COALESCE(${was}, 1 = 0)` : was; // unknown (NULL history) is "was not"
}
