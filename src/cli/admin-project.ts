// `tessera admin project add|member` and `tessera admin group add|member`: projects, their members' roles
// (viewer | member | admin) and user groups, on the command line.
import { parseArgs } from 'node:util';
import { AppError } from '../errors/app-error.js';
import type { IssueService } from '../services/issues.js';
import { PROJECT_ROLES, type ProjectRole, type ProjectService } from '../services/projects.js';

export const PROJECT_USAGE = `usage:
  tessera admin project add KEY --name NAME [--lead USER] [--description TEXT]   (lead: default admin)
  tessera admin project member KEY USER --role viewer|member|admin
  tessera admin project member KEY USER --remove
  tessera admin group add NAME
  tessera admin group member NAME USER [--remove]`;

export interface ProjectCommandContext {
  issues: IssueService;
  projects: ProjectService;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runProjectCommand(area: 'project' | 'group', args: string[], ctx: ProjectCommandContext): Promise<number> {
  const fail = (message: string, code = 1) => { ctx.stderr.write(`${message}\n`); return code; };
  try {
    const [verb, ...rest] = args;
    if (area === 'project' && verb === 'add') {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true, strict: true,
        options: { name: { type: 'string' }, lead: { type: 'string' }, description: { type: 'string' } },
      });
      if (positionals.length !== 1 || !values.name) return fail(PROJECT_USAGE, 2);
      const lead = await ctx.issues.getUserByName(values.lead ?? 'admin');
      const project = await ctx.issues.createProject({ key: positionals[0]!, name: values.name, leadUserId: lead.id, description: values.description });
      ctx.stdout.write(`Created project ${project.key} (${project.name}), lead ${lead.username} (project admin).\n`);
      return 0;
    }
    if (area === 'project' && verb === 'member') {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true, strict: true, options: { role: { type: 'string' }, remove: { type: 'boolean' } },
      });
      if (positionals.length !== 2 || (values.remove === true) === (values.role !== undefined)) return fail(PROJECT_USAGE, 2);
      const [key, username] = positionals as [string, string];
      if (values.remove) {
        const removed = await ctx.projects.removeMember(key, username);
        ctx.stdout.write(removed ? `Removed ${username} from ${key.toUpperCase()}.\n` : `${username} was not a member of ${key.toUpperCase()}.\n`);
        return 0;
      }
      if (!PROJECT_ROLES.includes(values.role as ProjectRole)) return fail(`tessera admin project: the role must be one of ${PROJECT_ROLES.join(', ')}.`, 2);
      const { project, user } = await ctx.projects.setMember(key, username, values.role as ProjectRole);
      ctx.stdout.write(`${user.username} is now ${values.role} of ${project.key}.\n`);
      return 0;
    }
    if (area === 'group' && verb === 'add') {
      if (rest.length !== 1 || rest[0]!.startsWith('-')) return fail(PROJECT_USAGE, 2);
      const created = await ctx.projects.addGroup(rest[0]!);
      ctx.stdout.write(created ? `Created group ${rest[0]}.\n` : `Group ${rest[0]} exists already.\n`);
      return 0;
    }
    if (area === 'group' && verb === 'member') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { remove: { type: 'boolean' } } });
      if (positionals.length !== 2) return fail(PROJECT_USAGE, 2);
      const [group, username] = positionals as [string, string];
      if (values.remove) {
        const removed = await ctx.projects.removeGroupMember(group, username);
        ctx.stdout.write(removed ? `Removed ${username} from group ${group}.\n` : `${username} was not in group ${group}.\n`);
      } else {
        await ctx.projects.addGroupMember(group, username);
        ctx.stdout.write(`Added ${username} to group ${group}.\n`);
      }
      return 0;
    }
    return fail(PROJECT_USAGE, 2);
  } catch (err) {
    if (err instanceof AppError) return fail(`tessera admin ${area}: ${err.message}`);
    if (err instanceof TypeError && String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      return fail(`tessera admin ${area}: ${err.message}\n${PROJECT_USAGE}`, 2);
    }
    throw err;
  }
}
