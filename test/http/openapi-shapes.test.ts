// Every Jira DC operation Tessera implements answers, on a real server with realistic data, a body that
// validates against that operation's success response schema in Atlassian's Jira DC 10.3 OpenAPI document
// (test/vectors/jira-dc-10.3-openapi.json, see test/vectors/README.md), with ajv.
//
// The DC document's schemas declare no `required` properties and are loose, so for each operation the schema's
// own top-level properties are made required here, minus an explicit list of the fields Tessera knowingly
// leaves out; the test also checks that list stays accurate (each one is declared by the schema and really
// absent). Nested objects are checked for the types of what we send. Where the document is wrong about what
// Jira itself answers, a small, named correction is applied, and the test checks the document still says
// what the correction expects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

// ajv-formats is CommonJS with `exports.default`: under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Json = any;
type Schema = Record<string, any>;
const DOC = JSON.parse(readFileSync(new URL('../vectors/jira-dc-10.3-openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

/** Where the DC document is wrong about Jira's own answers; each correction names (part of) the document's value it replaces. */
const CORRECTIONS: Array<{ pointer: string; documented: unknown; corrected: unknown; why: string }> = [
  {
    pointer: '/components/schemas/IssueBean/properties/fields/additionalProperties',
    documented: { type: 'object' }, corrected: {},
    why: 'issue field values are strings (summary), numbers, arrays and null as well as objects',
  },
  {
    pointer: '/components/schemas/VersionBean/properties/releaseDate',
    documented: { type: 'string', format: 'date-time' }, corrected: { type: 'string', format: 'date' },
    why: "Jira answers a version's releaseDate as a day, 2010-07-06 (userReleaseDate is the display form)",
  },
  {
    pointer: '/components/schemas/VersionBean/properties/startDate',
    documented: { type: 'string', format: 'date-time' }, corrected: { type: 'string', format: 'date' },
    why: "Jira answers a version's startDate as a day, like releaseDate",
  },
];

/** Operations whose success answer is a JSON array although the document declares the item bean. */
const LIST_ANSWERS = new Set(['GET /api/2/field', 'GET /api/2/project', 'GET /api/2/issuetype', 'GET /api/2/priority',
  'GET /api/2/status', 'GET /api/2/statuscategory', 'GET /api/2/project/{projectIdOrKey}/components',
  'GET /api/2/project/{projectIdOrKey}/versions', 'GET /api/2/user/search', 'GET /api/2/resolution']);

/** Operations whose success answer is a page `{ startAt, maxResults, total, isLast, values: [bean] }` (Jira 9 createmeta). */
const PAGE_ANSWERS = new Set(['GET /api/2/issue/createmeta/{projectIdOrKey}/issuetypes',
  'GET /api/2/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}']);

function pointerGet(root: unknown, pointer: string): { parent: Record<string, unknown>; key: string } {
  const parts = pointer.split('/').slice(1);
  const key = parts.pop()!;
  let parent = root as Record<string, unknown>;
  for (const p of parts) parent = parent[p] as Record<string, unknown>;
  return { parent, key };
}

const components = structuredClone(DOC.components);
for (const c of CORRECTIONS) {
  const { parent, key } = pointerGet({ components }, c.pointer);
  parent[key] = structuredClone(c.corrected);
}
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ $id: 'dc', components }, 'dc');

/** The success response's schema name for `METHOD path`, or null when the document gives no body (204). */
function successSchema(method: string, path: string): string | null {
  const op = DOC.paths[path]?.[method.toLowerCase()];
  assert.ok(op, `the DC document has no ${method} ${path}`);
  const code = Object.keys(op.responses).find((c) => c.startsWith('2'))!;
  const content = op.responses[code]!.content;
  if (!content) return null;
  const ref = content['application/json']!.schema['$ref'] as string;
  return ref.replace('#/components/schemas/', '');
}

interface Answer { status: number; body: Json }

interface ShapeCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The operation's path in the DC document. */
  path: string;
  status: number;
  /** Top-level properties of the success schema that Tessera knowingly does not send. */
  omitted: string[];
  /** Top-level properties sent by some items of a list answer only (e.g. allowedValues on some fields); one item at least has each. */
  sometimes?: string[];
  call(): Promise<Answer>;
}

let server: TestServer;
let api: (method: string, path: string, body?: unknown, as?: string) => Promise<Answer>;
const data: Record<string, Json> = {};

before(async () => {
  server = await startTestServer();
  const erin = await createUser(server, 'erin'); // no second factor: Basic auth
  await createUser(server, 'frank');
  await createUser(server, 'gina', { admin: true });
  await server.services.issues.createProject({ key: 'SHP', name: 'Shapes', description: 'Schema checks', leadUserId: erin.id });
  api = async (method, path, body, as = 'erin') => {
    const authorization = `Basic ${Buffer.from(`${as}:${TEST_PASSWORD}`).toString('base64')}`;
    const res = await fetch(`${server.baseUrl}/rest/api/2${path}`, {
      method, headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const created = await api('POST', '/issue', { fields: { project: { key: 'SHP' }, issuetype: { name: 'Bug' }, summary: 'A realistic bug', description: 'Steps:\n1. open\n2. crash', priority: { name: 'High' } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  data['issue'] = created.body;
  const comment = await api('POST', `/issue/${created.body.key}/comment`, { body: 'Reproduced on *main*.' });
  assert.equal(comment.status, 201);
  data['comment'] = comment.body;
  data['component'] = (await api('POST', '/component', { project: 'SHP', name: 'Backend', description: 'Server side' })).body;
  data['version'] = (await api('POST', '/version', { project: 'SHP', name: '1.0', description: 'First release', releaseDate: '2026-12-24' })).body;
  assert.ok(data['component'].id && data['version'].id);
  data['spare'] = (await api('POST', '/issue', { fields: { project: { key: 'SHP' }, issuetype: { name: 'Task' }, summary: 'To be deleted' } })).body;
});
after(() => server.close());

const issueKey = () => data['issue'].key as string;

const CASES: ShapeCase[] = [
  { method: 'GET', path: '/api/2/serverInfo', status: 200, omitted: [], call: () => api('GET', '/serverInfo') },
  { method: 'GET', path: '/api/2/myself', status: 200, omitted: ['lastLoginTime'], call: () => api('GET', '/myself') },
  { method: 'GET', path: '/api/2/user', status: 200, omitted: ['lastLoginTime'], call: () => api('GET', '/user?username=frank') },
  { method: 'GET', path: '/api/2/field', status: 200, omitted: [], call: () => api('GET', '/field') },
  { method: 'GET', path: '/api/2/project', status: 200, omitted: ['description'], call: () => api('GET', '/project') },
  { method: 'GET', path: '/api/2/project/{projectIdOrKey}', status: 200, omitted: [], call: () => api('GET', '/project/SHP') },
  {
    method: 'POST', path: '/api/2/issue', status: 201, omitted: [],
    call: () => api('POST', '/issue', { fields: { project: { key: 'SHP' }, issuetype: { name: 'Story' }, summary: 'Another one' } }),
  },
  {
    method: 'GET', path: '/api/2/issue/{issueIdOrKey}', status: 200,
    omitted: ['changelog', 'editmeta', 'fieldsToInclude', 'names', 'operations', 'properties', 'renderedFields', 'schema', 'transitionBeans', 'transitions', 'versionedRepresentations'],
    call: () => api('GET', `/issue/${issueKey()}`),
  },
  { method: 'PUT', path: '/api/2/issue/{issueIdOrKey}', status: 204, omitted: [], call: () => api('PUT', `/issue/${issueKey()}`, { fields: { summary: 'A realistic bug, renamed' } }) },
  { method: 'DELETE', path: '/api/2/issue/{issueIdOrKey}', status: 204, omitted: [], call: () => api('DELETE', `/issue/${data['spare'].key}`) },
  { method: 'GET', path: '/api/2/issue/{issueIdOrKey}/comment', status: 200, omitted: [], call: () => api('GET', `/issue/${issueKey()}/comment`) },
  { method: 'POST', path: '/api/2/issue/{issueIdOrKey}/comment', status: 201, omitted: ['properties', 'renderedBody', 'visibility'], call: () => api('POST', `/issue/${issueKey()}/comment`, { body: 'Fixed in 1.2.' }) },
  { method: 'GET', path: '/api/2/issue/{issueIdOrKey}/comment/{id}', status: 200, omitted: ['properties', 'renderedBody', 'visibility'], call: () => api('GET', `/issue/${issueKey()}/comment/${data['comment'].id}`) },
  { method: 'GET', path: '/api/2/issue/{issueIdOrKey}/watchers', status: 200, omitted: [], call: () => api('GET', `/issue/${issueKey()}/watchers`) },
  { method: 'GET', path: '/api/2/issue/{issueIdOrKey}/votes', status: 200, omitted: [], call: () => api('GET', `/issue/${issueKey()}/votes`) },
  {
    method: 'GET', path: '/api/2/search', status: 200, omitted: ['schema', 'warningMessages'],
    call: () => api('GET', `/search?jql=${encodeURIComponent('project = SHP ORDER BY created DESC')}&maxResults=5&expand=names`),
  },
  {
    method: 'POST', path: '/api/2/search', status: 200, omitted: ['names', 'schema', 'warningMessages'],
    call: () => api('POST', '/search', { jql: 'project = SHP', startAt: 0, maxResults: 5, fields: ['*all'] }),
  },
  { method: 'GET', path: '/api/2/issuetype', status: 200, omitted: ['avatarId'], call: () => api('GET', '/issuetype') },
  { method: 'GET', path: '/api/2/issuetype/{id}', status: 200, omitted: ['avatarId'], call: async () => api('GET', `/issuetype/${(await api('GET', '/issuetype')).body[0].id}`) },
  { method: 'GET', path: '/api/2/priority', status: 200, omitted: [], call: () => api('GET', '/priority') },
  { method: 'GET', path: '/api/2/priority/{id}', status: 200, omitted: [], call: async () => api('GET', `/priority/${(await api('GET', '/priority')).body[0].id}`) },
  { method: 'GET', path: '/api/2/status', status: 200, omitted: ['statusColor'], call: () => api('GET', '/status') },
  { method: 'GET', path: '/api/2/status/{idOrName}', status: 200, omitted: ['statusColor'], call: async () => api('GET', `/status/${encodeURIComponent((await api('GET', '/status')).body[0].name)}`) },
  { method: 'GET', path: '/api/2/statuscategory', status: 200, omitted: [], call: () => api('GET', '/statuscategory') },
  { method: 'GET', path: '/api/2/statuscategory/{idOrKey}', status: 200, omitted: [], call: () => api('GET', '/statuscategory/new') },
  {
    method: 'POST', path: '/api/2/project', status: 201, omitted: [],
    call: () => api('POST', '/project', { key: 'OPS', name: 'Operations', projectTypeKey: 'software', lead: 'erin', description: 'Runbooks' }, 'gina'),
  },
  { method: 'GET', path: '/api/2/project/{projectIdOrKey}/components', status: 200, omitted: ['deleted', 'lead', 'leadUserName'], call: () => api('GET', '/project/SHP/components') },
  { method: 'GET', path: '/api/2/project/{projectIdOrKey}/versions', status: 200, omitted: ['expand', 'moveUnfixedIssuesTo', 'overdue', 'project', 'releaseDateSet', 'startDate', 'startDateSet', 'userReleaseDate', 'userStartDate'], call: () => api('GET', '/project/SHP/versions') },
  { method: 'POST', path: '/api/2/component', status: 201, omitted: ['deleted'], call: () => api('POST', '/component', { project: 'SHP', name: 'Frontend', leadUserName: 'erin' }) },
  { method: 'GET', path: '/api/2/component/{id}', status: 200, omitted: ['deleted', 'lead', 'leadUserName'], call: () => api('GET', `/component/${data['component'].id}`) },
  { method: 'POST', path: '/api/2/version', status: 201, omitted: ['expand', 'moveUnfixedIssuesTo', 'overdue', 'project', 'releaseDate', 'releaseDateSet', 'startDate', 'startDateSet', 'userReleaseDate', 'userStartDate'], call: () => api('POST', '/version', { project: 'SHP', name: '1.1', released: false }) },
  { method: 'GET', path: '/api/2/version/{id}', status: 200, omitted: ['expand', 'moveUnfixedIssuesTo', 'overdue', 'project', 'releaseDateSet', 'startDate', 'startDateSet', 'userReleaseDate', 'userStartDate'], call: () => api('GET', `/version/${data['version'].id}`) },
  {
    method: 'PUT', path: '/api/2/issue/{issueIdOrKey}/comment/{id}', status: 200, omitted: ['properties', 'renderedBody', 'visibility'],
    call: () => api('PUT', `/issue/${issueKey()}/comment/${data['comment'].id}`, { body: 'Reproduced on *main* and 1.0.' }),
  },
  {
    method: 'DELETE', path: '/api/2/issue/{issueIdOrKey}/comment/{id}', status: 204, omitted: [],
    call: async () => api('DELETE', `/issue/${issueKey()}/comment/${(await api('POST', `/issue/${issueKey()}/comment`, { body: 'typo' })).body.id}`),
  },
  { method: 'PUT', path: '/api/2/issue/{issueIdOrKey}/assignee', status: 204, omitted: [], call: () => api('PUT', `/issue/${issueKey()}/assignee`, { name: 'erin' }) },
  { method: 'GET', path: '/api/2/issue/{issueIdOrKey}/transitions', status: 200, omitted: [], call: () => api('GET', `/issue/${issueKey()}/transitions?expand=transitions.fields`) },
  {
    method: 'POST', path: '/api/2/issue/{issueIdOrKey}/transitions', status: 204, omitted: [],
    call: async () => api('POST', `/issue/${issueKey()}/transitions`, { transition: { id: (await api('GET', `/issue/${issueKey()}/transitions`)).body.transitions[0].id } }),
  },
  { method: 'GET', path: '/api/2/resolution', status: 200, omitted: [], call: () => api('GET', '/resolution') },
  { method: 'GET', path: '/api/2/resolution/{id}', status: 200, omitted: [], call: async () => api('GET', `/resolution/${(await api('GET', '/resolution')).body[0].id}`) },
  { method: 'GET', path: '/api/2/issue/createmeta/{projectIdOrKey}/issuetypes', status: 200, omitted: ['avatarId', 'fields'], call: () => api('GET', '/issue/createmeta/SHP/issuetypes') },
  {
    method: 'GET', path: '/api/2/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', status: 200, omitted: [],
    sometimes: ['allowedValues', 'autoCompleteUrl', 'defaultValue'],
    call: async () => api('GET', `/issue/createmeta/SHP/issuetypes/${(await api('GET', '/issue/createmeta/SHP/issuetypes')).body.values[0].id}`),
  },
  { method: 'GET', path: '/api/2/user/search', status: 200, omitted: ['applicationRoles', 'deleted', 'expand', 'groups', 'lastLoginTime', 'locale'], call: () => api('GET', '/user/search?username=fr') },
];

const name = (c: { method: string; path: string }) => `${c.method} ${c.path}`;

describe('the DC OpenAPI document and its corrections', () => {
  test('each correction replaces what the document still says', () => {
    for (const c of CORRECTIONS) {
      const { parent, key } = pointerGet({ components: DOC.components }, c.pointer);
      const now = parent[key] as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.documented as Record<string, unknown>)) assert.deepEqual(now[k], v, `${c.pointer}/${k} (${c.why})`);
    }
  });

  test('the cases are exactly the DC /api/2 operations Tessera routes', () => {
    const routed: string[] = [];
    for (const [path, methods] of Object.entries(DOC.paths)) {
      if (!path.startsWith('/api/2/')) continue;
      for (const method of Object.keys(methods)) {
        const url = `/rest${path.replace(/\{([^}]+)\}/g, ':$1')}`;
        if (['get', 'post', 'put', 'delete'].includes(method) && server.app.hasRoute({ method: method.toUpperCase() as 'GET', url })) {
          routed.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    assert.deepEqual(routed.sort(), CASES.map(name).sort());
  });

  test('the list answers are the operations marked as lists, all covered', () => {
    const covered = new Set(CASES.map(name));
    for (const op of LIST_ANSWERS) if (covered.has(op)) assert.equal(successSchema(op.split(' ')[0]!, op.split(' ')[1]!) !== null, true, op);
  });
});

describe('each operation answers the shape of its DC success response', () => {
  for (const c of CASES) {
    test(name(c), async () => {
      const answer = await c.call();
      assert.equal(answer.status, c.status, JSON.stringify(answer.body));
      const schemaName = successSchema(c.method, c.path);
      if (schemaName === null) {
        assert.equal(answer.body, undefined, 'a 204 has no body');
        assert.deepEqual(c.omitted, []);
        return;
      }
      const declared = Object.keys(components.schemas[schemaName]!['properties'] ?? {});
      for (const field of c.omitted) assert.ok(declared.includes(field), `${field} is not a property of ${schemaName}`);
      const validate = ajv.compile({
        allOf: [{ $ref: `dc#/components/schemas/${schemaName}` }],
        required: declared.filter((p) => !c.omitted.includes(p) && !(c.sometimes ?? []).includes(p)),
      });
      let items: Json[] = [answer.body];
      if (LIST_ANSWERS.has(name(c))) {
        assert.ok(Array.isArray(answer.body), 'a JSON array of the bean');
        items = answer.body;
      } else if (PAGE_ANSWERS.has(name(c))) {
        for (const k of ['startAt', 'maxResults', 'total']) assert.equal(typeof answer.body[k], 'number', k);
        assert.equal(typeof answer.body.isLast, 'boolean');
        assert.ok(Array.isArray(answer.body.values), 'a page of the bean in `values`');
        items = answer.body.values;
      }
      assert.ok(items.length > 0, 'the realistic data gives at least one item');
      for (const item of items) {
        assert.ok(validate(item), `${schemaName}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(item).slice(0, 600)}`);
        for (const field of c.omitted) {
          assert.equal(item[field], undefined, `${field} is sent now: take it off the omitted list of ${name(c)}`);
        }
      }
      for (const field of c.sometimes ?? []) {
        assert.ok(declared.includes(field), `${field} is not a property of ${schemaName}`);
        assert.ok(items.some((item) => item[field] !== undefined), `no item has ${field}: move it to the omitted list of ${name(c)}`);
        assert.ok(items.some((item) => item[field] === undefined), `every item has ${field}: take it off the sometimes list of ${name(c)}`);
      }
    });
  }
});
