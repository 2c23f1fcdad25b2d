// The `--demo` data: project DEMO with a few realistic issues and a comment. Idempotent: when DEMO exists
// (also when another process created it a moment ago) nothing is added.
import { AppError } from '../errors/app-error.js';
import type { IssueService } from './issues.js';
import type { ProjectRecord } from './issue-records.js';

const DEMO_KEY = 'DEMO';

const DEMO_ISSUES = [
  {
    issueType: 'Bug', priority: 'High',
    summary: 'Login times out behind the corporate proxy',
    description: 'Users on the office network wait about 30 seconds on the login page, then get a 504.\n\n'
      + 'Steps: connect through proxy.example.com:3128, open the login page, sign in.',
    comment: 'Reproduced: the proxy drops idle keep-alive connections after 25 s. Checking the upstream timeout next.',
  },
  {
    issueType: 'Task', priority: 'Medium',
    summary: 'Write the integration guide for python-jira users',
    description: 'Cover Basic auth for scripts, personal access tokens and the OAuth application link set-up.',
  },
  {
    issueType: 'Story', priority: 'Medium',
    summary: 'As a release manager I want to export the issues of a version to CSV',
    description: 'Columns: key, summary, status, assignee, fix version. Opens in a spreadsheet without extra steps.',
  },
  {
    issueType: 'Bug', priority: 'Low',
    summary: 'Typo in the password reset e-mail subject',
    description: '"Pasword reset requested" should read "Password reset requested".',
  },
] as const;

export async function seedDemoProject(service: IssueService, adminUserId: number): Promise<ProjectRecord> {
  const existing = await service.findProject(DEMO_KEY);
  if (existing) return existing;
  let project: ProjectRecord;
  try {
    project = await service.createProject({
      key: DEMO_KEY, name: 'Demo project', leadUserId: adminUserId,
      description: 'A sample project to try Tessera and Jira clients against.',
    });
  } catch (err) {
    const created = err instanceof AppError ? await service.findProject(DEMO_KEY) : undefined;
    if (created) return created; // another process seeded it first
    throw err;
  }
  const actor = { userId: adminUserId, isAdmin: true };
  for (const demo of DEMO_ISSUES) {
    const issue = await service.createIssue(actor, {
      project: { id: String(project.id) }, issueType: { name: demo.issueType }, priority: { name: demo.priority },
      summary: demo.summary, description: demo.description,
    });
    if ('comment' in demo) await service.addComment(actor, issue.key, demo.comment);
  }
  return project;
}
