// Operand atoms → stored ids (or instants), per field type, with functions evaluated. Unknown values are reported
// through JqlValues (400 or warning) and then simply contribute nothing, so they match nothing.
import { dateFunction, parseDateValue } from '../domain/jql/dates.js';
import type { FieldDefinition } from '../domain/jql/fields.js';
import type { Atom, JqlValues, UserRef } from './jql-values.js';

export interface IdSet {
  ids: Array<string | number>;
  /** EMPTY was among the values (or `resolution = Unresolved`). */
  empty: boolean;
}

type Ordering = '<' | '>' | '<=' | '>=';
const isOrdering = (op: string): op is Ordering => op === '<' || op === '>' || op === '<=' || op === '>=';

/** Users named by a value or a function (currentUser(), membersOf("g")), for user fields and BY. */
export async function resolveUsers(values: JqlValues, field: string, atom: Atom): Promise<UserRef[]> {
  if (atom.kind === 'empty') return [];
  if (atom.kind === 'function') {
    const name = atom.call.name.toLowerCase();
    if (name === 'currentuser') return values.currentUser();
    const group = atom.call.args[0] ?? '';
    const members = await values.groupMembers(group);
    if (!members) values.unknown(`The group '${group}' does not exist for the function 'membersOf'.`);
    return members ?? [];
  }
  const users = await values.users(atom.text);
  if (!users) values.unknownValue(field, atom.text);
  return users ?? [];
}

async function resolveFunction(values: JqlValues, def: FieldDefinition, atom: Atom & { kind: 'function' }): Promise<Array<string | number>> {
  const name = atom.call.name.toLowerCase();
  if (name === 'standardissuetypes' || name === 'subtaskissuetypes') return values.issueTypeIdsBySubtask(name === 'subtaskissuetypes');
  if (name === 'releasedversions' || name === 'unreleasedversions') {
    const project = atom.call.args[0];
    const ids = await values.versionIdsReleased(name === 'releasedversions', project);
    if (!ids) values.unknownValue('project', project ?? '');
    return ids ?? [];
  }
  return (await resolveUsers(values, def.name, atom)).map((u) => u.id);
}

async function resolveValue(values: JqlValues, def: FieldDefinition, operator: string, text: string): Promise<Array<string | number> | undefined> {
  switch (def.type) {
    case 'project': return values.projectIds(text);
    case 'issuetype': return values.namedIds('issue_types', text);
    case 'status': return values.namedIds('statuses', text);
    case 'statuscategory': return values.statusIdsInCategory(text);
    case 'priority': return isOrdering(operator) ? values.priorityIdsBeyond(text, operator) : values.namedIds('priorities', text);
    case 'resolution': return values.namedIds('resolutions', text);
    case 'version': return values.versionIds(text, operator);
    case 'component': return values.componentIds(text);
    case 'issue': {
      const issue = await values.issue(text);
      if (!issue) {
        values.unknown(`An issue with key '${text}' does not exist for field '${def.name}'.`);
        return [];
      }
      return [issue.id];
    }
    default: return undefined;
  }
}

export async function resolveIds(values: JqlValues, def: FieldDefinition, operator: string, atoms: readonly Atom[]): Promise<IdSet> {
  const result: IdSet = { ids: [], empty: false };
  for (const atom of atoms) {
    if (atom.kind === 'empty') result.empty = true;
    else if (atom.kind === 'function') result.ids.push(...(await resolveFunction(values, def, atom)));
    else if (def.type === 'user') result.ids.push(...(await resolveUsers(values, def.name, atom)).map((u) => u.id));
    else if (def.type === 'resolution' && atom.text.trim().toLowerCase() === 'unresolved') result.empty = true;
    else {
      const ids = await resolveValue(values, def, operator, atom.text);
      if (ids === undefined) values.unknownValue(def.name, atom.text);
      else result.ids.push(...ids);
    }
  }
  return result;
}

/** Dates named by values or date functions; invalid ones are reported and dropped. */
export async function resolveDates(values: JqlValues, field: string, atoms: readonly Atom[]): Promise<number[]> {
  const now = values.ctx.now;
  const out: number[] = [];
  for (const atom of atoms) {
    if (atom.kind === 'empty') continue;
    const at = atom.kind === 'function' ? dateFunction(atom.call.name, atom.call.args, now) : parseDateValue(atom.text, now);
    if (at === undefined) {
      const shown = atom.kind === 'function' ? `${atom.call.name}(${atom.call.args.join(', ')})` : atom.text;
      values.unknown(`Date value '${shown}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', ` +
        `'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
    } else out.push(at);
  }
  return out;
}
