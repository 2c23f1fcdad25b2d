// Summarises a V8 CPU profile (`npm run bench -- --cpu-prof DIR` writes one for the server child): the
// functions with the most time of their own, and with the most time including what they call. For "where does
// a request's time go" beyond what the benchmark's table shows.
//   node --import tsx bench/profile-summary.ts DIR/CPU.….cpuprofile [how many lines, default 30]
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const [file, howMany = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: node --import tsx bench/profile-summary.ts PROFILE.cpuprofile [lines]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/|src\/|bench\/)/, '$1')}:${n.callFrame.lineNumber + 1}`;

const own = new Map<string, number>();
const including = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  own.set(label(byId.get(id)!), (own.get(label(byId.get(id)!)) ?? 0) + dt);
  const counted = new Set<string>(); // recursion counts once
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const l = label(byId.get(at)!);
    if (!counted.has(l)) including.set(l, (including.get(l) ?? 0) + dt);
    counted.add(l);
  }
});
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(howMany))
  .map(([l, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${l}`).join('\n');
console.log(`${(total / 1e6).toFixed(1)} s sampled`);
console.log(`own time:\n${top(own)}`);
console.log(`including callees:\n${top(including)}`);
