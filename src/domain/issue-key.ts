// Issue keys (`DEMO-12`) and project keys (`DEMO`), as Jira writes them.
// Jira matches keys case-insensitively (`demo-12` finds DEMO-12); we normalise to upper case on the way in.

/** A project key: an upper-case letter, then 1 to 9 upper-case letters, digits or underscores. */
export const PROJECT_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,9}$/;

const ISSUE_KEY_PATTERN = /^([A-Z][A-Z0-9_]{1,9})-([1-9][0-9]{0,14})$/;

export interface IssueKey {
  projectKey: string;
  number: number;
}

export function isValidProjectKey(key: string): boolean {
  return PROJECT_KEY_PATTERN.test(key);
}

/** `demo-7` → { projectKey: 'DEMO', number: 7 }; anything that is not a key → null. */
export function parseIssueKey(text: string): IssueKey | null {
  const match = ISSUE_KEY_PATTERN.exec(text.trim().toUpperCase());
  if (!match) return null;
  const number = Number(match[2]);
  if (!Number.isSafeInteger(number)) return null;
  return { projectKey: match[1] as string, number };
}

export function formatIssueKey(projectKey: string, number: number): string {
  return `${projectKey}-${number}`;
}

/** Jira names an issue or project by key or by numeric id wherever it takes one: this says which it is. */
export type IdOrKey = { kind: 'id'; id: number } | { kind: 'key'; key: string };

export function parseIdOrKey(text: string): IdOrKey {
  const trimmed = text.trim();
  if (/^[0-9]{1,15}$/.test(trimmed)) return { kind: 'id', id: Number(trimmed) };
  return { kind: 'key', key: trimmed.toUpperCase() };
}
