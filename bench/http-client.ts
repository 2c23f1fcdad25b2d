// A minimal keep-alive HTTP client for loopback timing: node:http with a pooled agent, no JSON parsing on the
// timed path (the body is read in full, then parsed only when asked).
import { Agent, request } from 'node:http';

export interface Response {
  status: number;
  body: Buffer;
}

export class LoopbackClient {
  private readonly agent: Agent;

  constructor(private readonly port: number, private readonly authorization: string, sockets = 8) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  get(path: string, authorization = this.authorization): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.port, path, method: 'GET', agent: this.agent,
        headers: { authorization, accept: 'application/json' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(120_000, () => req.destroy(new Error(`timeout: GET ${path}`)));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
