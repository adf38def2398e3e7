import type { HeaderRow } from './header-row.ts';
import type { Webhook, WebhookFormat, WebhookInput } from './api/types.ts';

// The webhook form's rules, kept apart from its markup so they can be tested without a browser.

/** The webhook form's fields as the person edits them (strings for numbers, rows for headers). */
export interface FormState {
  url: string;
  description: string;
  scope: 'team' | 'project';
  projectId: string;
  enabled: boolean;
  events: string[];
  format: WebhookFormat;
  headers: HeaderRow[];
  /** Header values come back redacted, so headers are only sent when the person edited them. */
  headersTouched: boolean;
  sendPayload: boolean;
  batching: boolean;
  maxSize: string;
  maxWaitMs: string;
  /** The receiver's body limit; larger events go out in parts. */
  maxBodyBytes: string;
  ordered: boolean;
  blocking: boolean;
  failMode: 'open' | 'closed';
  secret: string;
}

/** A new webhook's defaults (docs/webhooks.md): whole team, all events, standard format. */
export const EMPTY_FORM: FormState = {
  url: '',
  description: '',
  scope: 'team',
  projectId: '',
  enabled: true,
  events: ['*'],
  format: 'standard',
  headers: [],
  headersTouched: true,
  sendPayload: true,
  batching: false,
  maxSize: '100',
  maxWaitMs: '1000',
  maxBodyBytes: '102400',
  ordered: false,
  blocking: false,
  failMode: 'open',
  secret: '',
};

/** The form for editing an existing webhook. */
export function fromWebhook(w: Webhook): FormState {
  return {
    url: w.url,
    description: w.description ?? '',
    scope: w.projectId ? 'project' : 'team',
    projectId: w.projectId ?? '',
    enabled: w.enabled,
    events: w.events,
    format: w.format,
    // The API never shows header values; the rows start empty and must be filled in again to change them.
    headers: Object.keys(w.headers ?? {}).map((name) => ({ name, value: '' })),
    headersTouched: false,
    sendPayload: w.sendPayload,
    batching: w.batch !== null && w.batch !== undefined,
    maxSize: String(w.batch?.maxSize ?? 100),
    maxWaitMs: String(w.batch?.maxWaitMs ?? 1000),
    maxBodyBytes: String(w.maxBodyBytes ?? 102400),
    ordered: w.ordered,
    blocking: w.blocking,
    failMode: w.failMode ?? 'open',
    secret: '',
  };
}

/** Checks what the browser can check; returns field → message. The server validates again. */
export function validateWebhookForm(f: FormState): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!/^https?:\/\/\S+$/i.test(f.url.trim())) errors.url = 'Enter an http:// or https:// URL.';
  if (f.events.length === 0) errors.events = 'Choose at least one event, or all events.';
  if (f.scope === 'project' && !f.projectId) errors.projectId = 'Choose the project.';
  if (f.batching) {
    if (!/^\d+$/.test(f.maxSize) || Number(f.maxSize) < 1) errors.maxSize = 'A whole number of at least 1.';
    if (!/^\d+$/.test(f.maxWaitMs)) errors.maxWaitMs = 'A whole number of milliseconds.';
  }
  if (!/^\d+$/.test(f.maxBodyBytes) || Number(f.maxBodyBytes) < 4096 || Number(f.maxBodyBytes) > 10485760) {
    errors.maxBodyBytes = 'A whole number of bytes from 4096 to 10485760.';
  }
  const names = f.headers.map((h) => h.name.trim().toLowerCase()).filter(Boolean);
  if (new Set(names).size !== names.length) errors.headers = 'Each header name may appear once.';
  if (f.headers.some((h) => !h.name.trim() && h.value)) errors.headers = 'Every header needs a name.';
  if (f.headersTouched && f.headers.some((h) => h.name.trim() && !h.value)) errors.headers = 'Every header needs a value.';
  if (f.blocking && !(f.events.includes('*') || f.events.includes('BEFORE_UPDATE_LABELS'))) {
    errors.blocking = 'A blocking webhook must subscribe to BEFORE_UPDATE_LABELS.';
  }
  return errors;
}

/** The API body for the form: the create body, or with `creating` false the PATCH body. */
export function toInput(f: FormState, creating: boolean): WebhookInput {
  const input: WebhookInput = {
    url: f.url.trim(),
    description: f.description,
    projectId: f.scope === 'project' ? f.projectId : null,
    enabled: f.enabled,
    events: f.events,
    format: f.format,
    headers: Object.fromEntries(f.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value])),
    sendPayload: f.sendPayload,
    batch: f.batching ? { maxSize: Number(f.maxSize), maxWaitMs: Number(f.maxWaitMs) } : null,
    maxBodyBytes: Number(f.maxBodyBytes),
    ordered: f.ordered,
    blocking: f.blocking,
    failMode: f.failMode,
  };
  if (creating && f.secret.trim()) input.secret = f.secret.trim();
  if (!f.headersTouched) delete input.headers;
  if (creating && input.projectId === null) delete input.projectId;
  return input;
}
