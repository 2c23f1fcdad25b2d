// Server-rendered pages: plain HTML forms that work without JavaScript. Every dynamic value goes through
// escapeHtml; there is no other way to put text into a page.
import type { FastifyReply } from 'fastify';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A fragment of already-safe HTML. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (v instanceof Html) out += v.value;
    else if (Array.isArray(v)) out += v.map((x) => (x instanceof Html ? x.value : escapeHtml(x))).join('');
    else if (v !== undefined && v !== null && v !== false) out += escapeHtml(v);
    out += strings[i + 1] ?? '';
  });
  return new Html(out);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#172b4d;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(9,30,66,.25)}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c1c7d0;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:0;background:#0052cc;color:#fff;cursor:pointer}
button.secondary{background:#ebecf0;color:#172b4d}.error{background:#ffebe6;border-left:4px solid #de350b;padding:.7rem;margin:1rem 0}
.notice{background:#deebff;padding:.7rem;margin:1rem 0}.access-pass{font-size:4.5rem;text-align:center;margin:1rem 0 .2rem}
.access-pass-name{text-align:center;font-size:1.2rem;font-weight:600;margin-bottom:1rem}.verifier{font-family:monospace;font-size:2rem;text-align:center;letter-spacing:.15em;background:#f4f5f7;padding:1rem}
.actions{display:flex;gap:.8rem}.muted{color:#6b778c;font-size:.9rem}
h2{font-size:1.1rem;margin:1.8rem 0 .4rem}button.small{margin-top:0;padding:.3rem .7rem;font-size:.85rem}
button.link{background:none;color:#0052cc;padding:0;margin:0;font-size:1rem;text-decoration:underline}
.other-methods{margin-top:1.5rem}.other-methods ul{padding-left:1.2rem}.other-methods li{margin:.4rem 0}
table.factors{width:100%;border-collapse:collapse;font-size:.9rem}table.factors td,table.factors th{text-align:left;padding:.3rem .2rem;border-bottom:1px solid #ebecf0}
img.qr{display:block;margin:1rem auto;image-rendering:pixelated}code.uri,code.secret{word-break:break-all}
ol.recovery-codes{font-family:monospace;font-size:1.1rem;columns:2}`;

export function renderPage(title: string, body: Html, options: { scripts?: string[] } = {}): string {
  const scripts = (options.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Tessera</title><style>${STYLE}</style></head>
<body><main>${body.value}</main>${scripts}</body></html>`;
}

/** Sends a page with PAGE_HEADERS; `script` names same-origin scripts to load (deferred, in order). */
export function sendPage(reply: FastifyReply, status: number, title: string, body: Html, script?: string | string[]): FastifyReply {
  const scripts = script === undefined ? [] : Array.isArray(script) ? script : [script];
  return reply.code(status).headers(PAGE_HEADERS).send(renderPage(title, body, { scripts }));
}

/** Headers for every page: never framed (clickjacking an Allow button), no referrer leaking tokens in URLs. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
