// ```http — one GET or POST (JSON body) whose response becomes data checks can address
// (alerts.json.0.labels.alertname). expect= makes the action wait-able: with within= the engine re-sends the
// request until the expectation holds. Alertmanager alert lists also land on the drill's timeline.

import type { ActionContext, ActionKind, ActionOutcome } from '../../contract/action.js';
import { renderFor } from '../../runbook/contextual-render.js';
import { findReferences, renderKnown, TemplateError } from '../../runbook/template.js';
import { hostReach } from '../../targets/host-guard.js';
import { evaluateExpectation, expectationReferences } from '../check/expect.js';
import { alertList, timelineAlerts } from './alerts.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, sendRequest, unexpectedStatus } from './request.js';
import { type HttpSpec, httpAttributes, parseHttp, statusAccepted } from './spec.js';

const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

/** Renders every string in the body; a string that is only `{{ path }}` takes the value itself (numbers, lists). */
function renderBody(value: unknown, ctx: ActionContext): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value.trim());
    return whole ? ctx.resolve(whole[1] as string) : ctx.render(value);
  }
  if (Array.isArray(value)) return value.map((item) => renderBody(item, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderBody(v, ctx)]));
  }
  return value;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function references(spec: HttpSpec): string[] {
  const texts = [spec.url, ...spec.headers.map((h) => h.value), ...stringsIn(spec.body)];
  const paths = texts.flatMap((text) => findReferences(text).map((r) => r.path));
  paths.push(...expectationReferences(spec.expect));
  return paths;
}

function hostOf(url: string, ctx: ActionContext): string {
  try {
    return ctx.redact(new URL(url).host);
  } catch {
    return ctx.redact(url);
  }
}

function where(ctx: ActionContext): string {
  return `${ctx.runbook.file}:${ctx.action.loc.line}`;
}

function preview(spec: HttpSpec, ctx: ActionContext): string[] {
  const show = (text: string) => {
    try {
      return ctx.redact(ctx.render(text));
    } catch {
      return text;
    }
  };
  const lines = [`${spec.method} ${show(spec.url)}`];
  for (const header of spec.headers) lines.push(`${header.name}: ${show(header.value)}`);
  if (spec.body !== undefined) {
    let body: unknown;
    try {
      body = renderBody(spec.body, ctx);
    } catch {
      body = spec.body;
    }
    lines.push(...ctx.redact(JSON.stringify(body, null, 2)).split('\n'));
  }
  lines.push(`# expect status ${spec.expectStatusText}${spec.expect ? `, ${spec.expect.text}` : ''}`);
  return lines;
}

async function run(spec: HttpSpec, ctx: ActionContext): Promise<ActionOutcome> {
  let url: string;
  let headers: Record<string, string>;
  let body: string | undefined;
  try {
    // Values are percent-encoded where they land in the URL (path, query), and refused where they cannot be.
    url = renderFor(
      'url',
      spec.url,
      (path) => ctx.resolve(path),
      `url= at ${ctx.runbook.file}:${ctx.action.loc.line}`,
    );
    headers = Object.fromEntries(spec.headers.map((h) => [h.name, ctx.render(h.value)]));
    if (spec.body !== undefined) {
      body = JSON.stringify(renderBody(spec.body, ctx));
      headers = { 'content-type': 'application/json', ...headers };
    }
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return {
      ok: false,
      summary: `missing ${error.path}`,
      error: `${where(ctx)}: ${error.message}; run the step that produces it first, or fix the reference`,
    };
  }
  headers = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...headers };
  const timeout = ctx.action.timeoutMs ? undefined : AbortSignal.timeout(DEFAULT_REQUEST_TIMEOUT_MS);
  const signal = timeout ? AbortSignal.any([ctx.signal, timeout]) : ctx.signal;
  let result: Awaited<ReturnType<typeof sendRequest>>;
  try {
    result = await sendRequest({
      method: spec.method,
      url,
      headers,
      body,
      signal,
      now: ctx.now,
      redact: ctx.redact,
      reach: hostReach(ctx),
    });
  } catch (error) {
    if (!timeout?.aborted) throw error;
    return {
      ok: false,
      summary: 'timed out',
      error: `${where(ctx)}: ${spec.method} ${ctx.redact(url)} did not answer within ${DEFAULT_REQUEST_TIMEOUT_MS / 1000} s; check the service, or set timeout= on the block`,
    };
  }
  if (!result.ok && result.unreachable && spec.ifUnreachable === 'skip') {
    ctx.output(`${result.error}; skipped (if-unreachable=skip)`, 'info');
    return {
      ok: true,
      summary: `skipped: ${result.summary} (${hostOf(url, ctx)})`,
      data: { skipped: true, reason: result.summary, url: ctx.redact(url) },
    };
  }
  if (!result.ok) {
    return {
      ok: false,
      summary: result.summary,
      error: `${where(ctx)}: ${result.error}`,
      ...(result.data ? { data: result.data } : {}),
    };
  }
  const { data } = result;
  const alerts = alertList(data.json);
  if (alerts) timelineAlerts(alerts, ctx);
  const took = `${data.durationMs} ms`;
  if (!statusAccepted(data.status, spec.expectStatus)) {
    return {
      ok: false,
      summary: `${data.status} ${data.statusText}`,
      error: `${where(ctx)}: ${unexpectedStatus(data, spec.expectStatusText)}`,
      data,
    };
  }
  const verdict = spec.expect ? evaluateExpectation(spec.expect, data, ctx) : undefined;
  const checks = verdict ? [verdict] : undefined;
  if (verdict && !verdict.ok) {
    return {
      ok: false,
      summary: `${data.status}, but ${verdict.description}: got ${verdict.actual}`,
      error: `${where(ctx)}: ${spec.method} ${data.url} answered ${data.status} but ${verdict.description} does not hold: expected ${verdict.expected}, got ${verdict.actual}`,
      data,
      checks,
    };
  }
  const count = Array.isArray(data.json) ? `, ${data.json.length} items` : '';
  return {
    ok: true,
    summary: `${data.status} ${data.statusText} in ${took}${count}${verdict ? `; ${verdict.description}` : ''}`,
    data,
    ...(checks ? { checks } : {}),
  };
}

export const httpAction: ActionKind<HttpSpec> = {
  kind: 'http',
  description:
    'Sends a GET or POST (JSON body) and keeps the response (status, headers, json, text) for checks.',
  attributes: httpAttributes,
  defaultSafety: (spec) => (spec.method === 'GET' ? 'safe' : 'mutating'),
  async confirmation(spec, ctx) {
    const url = ctx.redact(renderKnown(spec.url, ctx.render));
    return {
      does:
        spec.method === 'GET'
          ? `reads ${url}`
          : `sends a POST request${spec.body === undefined ? '' : ' with a body'} to ${url}`,
    };
  },
  parse: parseHttp,
  references,
  preview,
  run,
};
