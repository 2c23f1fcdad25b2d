// Jira's wire format for instants: `yyyy-MM-dd'T'HH:mm:ss.SSSZ` with a colon-less offset, e.g.
// `2026-12-03T10:00:00.000+0000`. Tessera stores milliseconds since the epoch and always answers in UTC.

/** ms since the epoch → `2026-12-03T10:00:00.000+0000`. */
export function formatJiraDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** ms since the epoch → `2026-12-03` (Jira's date-only fields, such as `duedate`). */
export function formatJiraDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
