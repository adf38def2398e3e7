import type {
  ApiKeyItem,
  Delivery,
  DeliveryDetail,
  DeliveryStats,
  DocumentItem,
  EventItem,
  FormatSample,
  FullDocument,
  Label,
  LabelMode,
  LabelUpdate,
  Me,
  Member,
  Page,
  Project,
  ProjectInput,
  ReplayAnswer,
  SecretAnswer,
  TestAnswer,
  Webhook,
  WebhookHealth,
  WebhookInput,
} from './types.ts';

const KEY_STORAGE = 'labelhook.apiKey';

/** An API error answer (`{"error": {code, message, details}}`) or a network failure, with a message fit to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The message a person sees for a rejected key, on sign-in and whenever a stored key stops working. */
export const INVALID_KEY_MESSAGE = 'That API key is not valid.';

/** The API key kept for this browser tab (session storage: it is gone when the tab closes). */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** Remembers (or, with null, forgets) the API key for this tab. */
export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Calls labelhook's REST API with one API key; `onUnauthorized` runs when the server rejects the key. */
export class Api {
  constructor(
    private readonly key: string,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  /** One request under /api/v1; throws ApiError with the server's message on any non-2xx answer. */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`/api/v1${path}${queryString(query)}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new ApiError(0, 'network_error', 'Could not reach the labelhook server. Is it running?');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status === 401) {
      this.onUnauthorized();
      throw new ApiError(401, 'unauthorized', INVALID_KEY_MESSAGE);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `The server answered ${res.status} ${res.statusText}.`, err?.details ?? null);
    }
    return json as T;
  }

  me = () => this.request<Me>('GET', '/me');

  listProjects = (query?: Query) => this.request<Page<Project>>('GET', '/projects', undefined, query);
  getProject = (id: string) => this.request<Project>('GET', `/projects/${encodeURIComponent(id)}`);
  listDocuments = (projectId: string, query?: Query) =>
    this.request<Page<DocumentItem>>('GET', `/projects/${encodeURIComponent(projectId)}/documents`, undefined, query);
  createProject = (input: ProjectInput) => this.request<Project>('POST', '/projects', input);
  updateProject = (id: string, patch: Partial<ProjectInput>) => this.request<Project>('PATCH', `/projects/${encodeURIComponent(id)}`, patch);
  completeProject = (id: string, mode: LabelMode) => this.request<Project>('POST', `/projects/${encodeURIComponent(id)}/complete`, { mode });
  importDocuments = (projectId: string, documents: unknown[]) =>
    this.request<{ data: FullDocument[] }>('POST', `/projects/${encodeURIComponent(projectId)}/documents`, { documents });
  excludeDocuments = (projectId: string, ids: string[]) =>
    this.request<{ data: FullDocument[] }>('POST', `/projects/${encodeURIComponent(projectId)}/documents/exclude`, { ids });
  deleteDocuments = (projectId: string, ids: string[]) =>
    this.request<{ deleted: number }>('DELETE', `/projects/${encodeURIComponent(projectId)}/documents`, { ids });
  getDocument = (id: string) => this.request<FullDocument>('GET', `/documents/${encodeURIComponent(id)}`);
  completeDocument = (id: string, mode: LabelMode) => this.request<unknown>('POST', `/documents/${encodeURIComponent(id)}/complete`, { mode });
  listLabels = (documentId: string) => this.request<{ data: Label[] }>('GET', `/documents/${encodeURIComponent(documentId)}/labels`);
  updateLabels = (documentId: string, update: LabelUpdate) =>
    this.request<{ data: Label[] }>('POST', `/documents/${encodeURIComponent(documentId)}/labels`, update);

  /** Every document of a project, page after page (the list answers at most 1000 at a time). */
  async allDocuments(projectId: string, status?: 'active' | 'excluded'): Promise<FullDocument[]> {
    const out: FullDocument[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<FullDocument> = await this.request<Page<FullDocument>>('GET', `/projects/${encodeURIComponent(projectId)}/documents`, undefined, {
        limit: 1000,
        status,
        cursor,
      });
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  listMembers = (query?: Query) => this.request<Page<Member>>('GET', '/members', undefined, query);
  createMember = (input: { email: string; name?: string; role: string }) => this.request<Member & { apiKey: string }>('POST', '/members', input);
  listKeys = (query?: Query) => this.request<Page<ApiKeyItem>>('GET', '/keys', undefined, query);
  createKey = (input: { memberId?: string; name?: string }) => this.request<ApiKeyItem & { key: string }>('POST', '/keys', input);
  revokeKey = (id: string) => this.request<ApiKeyItem>('DELETE', `/keys/${encodeURIComponent(id)}`);

  /** Opens the team's event stream (server-sent events) as a fetch response, so the key travels in a header. */
  openEventStream = (signal: AbortSignal, lastEventId: string | null) =>
    fetch('/api/v1/events/stream', {
      headers: { authorization: `Bearer ${this.key}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal,
    });

  listEvents = (query?: Query) => this.request<Page<EventItem>>('GET', '/events', undefined, query);

  listWebhooks = (query?: Query) => this.request<Page<Webhook>>('GET', '/webhooks', undefined, query);
  getWebhook = (id: string) => this.request<Webhook>('GET', `/webhooks/${encodeURIComponent(id)}`);
  createWebhook = (input: WebhookInput) => this.request<Webhook & { secret: string }>('POST', '/webhooks', input);
  updateWebhook = (id: string, patch: Partial<WebhookInput>) => this.request<Webhook>('PATCH', `/webhooks/${encodeURIComponent(id)}`, patch);
  deleteWebhook = (id: string) => this.request<unknown>('DELETE', `/webhooks/${encodeURIComponent(id)}`);
  getSecret = (id: string) => this.request<SecretAnswer>('GET', `/webhooks/${encodeURIComponent(id)}/secret`);
  rotateSecret = (id: string) => this.request<SecretAnswer>('POST', `/webhooks/${encodeURIComponent(id)}/rotate-secret`, {});
  sendTest = (id: string) => this.request<TestAnswer>('POST', `/webhooks/${encodeURIComponent(id)}/test`, {});
  replay = (id: string, input: { since: string; onlyFailed: boolean; dryRun: boolean }) =>
    this.request<ReplayAnswer>('POST', `/webhooks/${encodeURIComponent(id)}/replay`, input);

  listWebhookDeliveries = (id: string, query?: Query) =>
    this.request<Page<Delivery>>('GET', `/webhooks/${encodeURIComponent(id)}/deliveries`, undefined, query);
  listDeliveries = (query?: Query) => this.request<Page<Delivery>>('GET', '/deliveries', undefined, query);
  getDelivery = (id: string) => this.request<DeliveryDetail>('GET', `/deliveries/${encodeURIComponent(id)}`);
  redeliver = (id: string) => this.request<unknown>('POST', `/deliveries/${encodeURIComponent(id)}/redeliver`, {});

  deliveryStats = (query: { window: 'hour' | 'day'; webhookId?: string }) =>
    this.request<DeliveryStats>('GET', '/stats/deliveries', undefined, query);
  webhookHealth = () => this.request<{ data: WebhookHealth[] }>('GET', '/stats/webhooks');
  formatSample = (format: string, eventType: string, sendPayload: boolean) =>
    this.request<FormatSample>('GET', `/formats/${encodeURIComponent(format)}/sample`, undefined, { event: eventType, sendPayload });
}
