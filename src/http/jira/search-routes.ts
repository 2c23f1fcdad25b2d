// GET and POST /search. maxResults defaults to 50 and is clamped to 1000; the clamped value is echoed, since
// clients page with the maxResults the server answers.
import type { FastifyRequest } from 'fastify';
import { requireUser } from '../principal.js';
import { fieldNames, selectFields } from './field-selection.js';
import { jiraIssue } from './jira-issue.js';
import { asQuery, parseBoolean, queryCount, queryList, queryValue } from './query-params.js';
import { parseSearchBody, type SearchParams } from './request-bodies.js';
import type { JiraRouteContext } from './route-context.js';

export const DEFAULT_MAX_RESULTS = 50;
const TEXT_FIELDS = ['description', 'environment'];
const SET_FIELDS = ['labels', 'components', 'fixVersions'];
const LINK_FIELDS = ['parent', 'subtasks'];
export const MAX_RESULTS_LIMIT = 1000;

export function registerSearchRoutes(ctx: JiraRouteContext): void {
  ctx.app.get(`${ctx.prefix}/search`, async (request) => runSearch(ctx, request, searchParamsFromQuery(request)));
  ctx.app.post(`${ctx.prefix}/search`, async (request) => runSearch(ctx, request, parseSearchBody(request.body)));
}

function searchParamsFromQuery(request: FastifyRequest): SearchParams {
  const query = asQuery(request.query);
  return {
    jql: queryValue(query, 'jql') ?? '',
    startAt: queryCount(query, 'startAt', 0),
    maxResults: queryValue(query, 'maxResults') === undefined ? undefined : queryCount(query, 'maxResults', DEFAULT_MAX_RESULTS),
    fields: queryList(query, 'fields'),
    expand: queryList(query, 'expand'),
    validateQuery: validateQueryParam(queryValue(query, 'validateQuery')),
  };
}

/** As in POST bodies: a boolean (`True`/`False` from python-jira too), or Jira's `strict` / `warn` / `none`. */
function validateQueryParam(raw: string | undefined): boolean {
  const lowered = raw?.trim().toLowerCase();
  if (lowered === 'strict') return true;
  if (lowered === 'warn' || lowered === 'none') return false;
  return parseBoolean('validateQuery', raw, true);
}

async function runSearch({ issues, links }: JiraRouteContext, request: FastifyRequest, params: SearchParams):
  Promise<Record<string, unknown>> {
  const actor = requireUser(request);
  const maxResults = Math.min(params.maxResults ?? DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT);
  const fields = selectFields(params.fields, '*navigable');
  const expand = new Set(params.expand);
  const result = await issues.search(actor, {
    jql: params.jql, startAt: params.startAt, maxResults, validateQuery: params.validateQuery, withComments: fields.has('comment'),
    // Only what the selected fields show is loaded: an issue navigator asking for a few columns skips the rest.
    withText: TEXT_FIELDS.some((f) => fields.has(f)),
    withSets: SET_FIELDS.some((f) => fields.has(f)),
    withLinks: LINK_FIELDS.some((f) => fields.has(f)),
  });
  return {
    expand: 'names,schema',
    startAt: result.startAt,
    maxResults: result.maxResults,
    total: result.total,
    issues: result.items.map((issue) => jiraIssue(links, issue, fields, new Set())),
    ...(expand.has('names') ? { names: fieldNames(fields) } : {}),
    ...(result.warningMessages.length > 0 ? { warningMessages: result.warningMessages } : {}),
  };
}
