// The audit log: security-relevant events, never with a secret in them.
import type { ServiceContext } from './context.js';

export class Audit {
  constructor(private readonly ctx: ServiceContext) {}

  async record(event: string, detail: { actorId?: number | null; ip?: string | null; [key: string]: unknown }): Promise<void> {
    const { actorId = null, ip = null, ...rest } = detail;
    await this.ctx.db.insertInto('audit_log').values({
      at: this.ctx.clock(), actor_id: actorId, event, detail: JSON.stringify(rest), ip,
    }).execute();
  }
}
