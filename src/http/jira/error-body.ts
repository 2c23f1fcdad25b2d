// Jira's error body: `{"errorMessages":[…],"errors":{field: message}}`. The human sentence always goes in
// errorMessages: python-jira shows only errorMessages when that key is present (even when it is empty).
import type { AppError } from '../../errors/app-error.js';

export interface JiraErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

export function jiraErrorBody(err: AppError): JiraErrorBody {
  const message = err.message.trim();
  return { errorMessages: message === '' ? Object.values(err.fields) : [message], errors: { ...err.fields } };
}
