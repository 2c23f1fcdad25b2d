// The JQL syntax tree. It records what was written, not what it means: field names keep their spelling (the
// compiler resolves aliases and case through fields.ts), `quoted` survives because quoting changes meaning
// (`status = "EMPTY"` names a status, `status = EMPTY` does not), and AND/OR chains stay n-ary as written
// (parentheses make a nested node). Positions are not kept: Jira reports them only for syntax errors.

export interface Query {
  /** Absent for the empty query and for a query that is only ORDER BY: every visible issue. */
  where?: Clause;
  orderBy: SortKey[];
}

export type Clause = And | Or | Not | Terminal;

export interface And {
  kind: 'and';
  /** Two or more. */
  clauses: Clause[];
}

export interface Or {
  kind: 'or';
  /** Two or more. */
  clauses: Clause[];
}

export interface Not {
  kind: 'not';
  clause: Clause;
}

export type ComparisonOperator = '=' | '!=' | '~' | '!~' | '<' | '>' | '<=' | '>=';
export type ListOperator = 'in' | 'not in';
export type IsOperator = 'is' | 'is not';
export type WasOperator = 'was' | 'was not' | 'was in' | 'was not in';
export type Operator = ComparisonOperator | ListOperator | IsOperator | WasOperator | 'changed';

export type Terminal = OperandTerminal | ChangedTerminal;

/** `field op operand`; `predicates` is empty except after WAS (BEFORE/AFTER/ON/DURING/BY). */
export interface OperandTerminal {
  kind: 'terminal';
  field: Field;
  operator: Exclude<Operator, 'changed'>;
  operand: Operand;
  predicates: HistoryPredicate[];
}

/** `field CHANGED [predicates]`: the only clause without an operand. */
export interface ChangedTerminal {
  kind: 'terminal';
  field: Field;
  operator: 'changed';
  predicates: HistoryPredicate[];
}

export type HistoryPredicateKind = 'from' | 'to' | 'by' | 'before' | 'after' | 'on' | 'during';

export interface HistoryPredicate {
  kind: HistoryPredicateKind;
  /** For DURING a two-item List (start, end). */
  operand: Operand;
}

export type Operand = Value | Empty | List | FunctionCall;

export interface Value {
  kind: 'value';
  /** A number for unquoted integers that fit a safe integer (`priority = 3`, `-5`); text otherwise. */
  value: string | number;
  quoted: boolean;
}

/** EMPTY or NULL. */
export interface Empty {
  kind: 'empty';
}

export interface List {
  kind: 'list';
  /** One or more; lists may nest, as in Jira. */
  items: Operand[];
}

export interface FunctionCall {
  kind: 'function';
  /** As written (`currentUser`, `"currentUser"`); function names are case-insensitive in Jira. */
  name: string;
  /** Arguments are text, as Jira passes them to functions (`startOfDay(-1d)` → ['-1d'], `fn(3)` → ['3']). */
  args: string[];
}

export interface Field {
  /** As written and decoded; `cf[10100]` for a custom field by id; digits for a numeric field. */
  name: string;
  quoted: boolean;
  /** Set for `cf[N]`. */
  customFieldId?: number;
  /** Entity-property references: `issue.property[key].a.b`, `development[commits].all`. */
  properties?: FieldProperty[];
}

export interface FieldProperty {
  key: string;
  /** The dotted path after the brackets, possibly empty. */
  path: string[];
}

export interface SortKey {
  field: Field;
  /** Absent: the field's default direction (chosen by the compiler). */
  direction?: 'asc' | 'desc';
}
