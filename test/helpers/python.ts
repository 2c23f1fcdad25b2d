// Runs a test script with Debian's /usr/bin/python3 (the interpreter python3-jira and python3-requests-oauthlib
// are installed for; the python3 first on PATH may be another one) and parses the JSON object it prints last.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './cli.js';

export const PYTHON = '/usr/bin/python3';

export const pythonScript = (name: string) => fileURLToPath(new URL(`../e2e/python/${name}`, import.meta.url));

export function runPython(file: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [file], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${file} exited ${code}\n${err}\n${out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`${file} printed no JSON:\n${out}\n${err}`));
      }
    });
  });
}
