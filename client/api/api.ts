/**
 * Calls to the JSON API. Errors arrive as `{ code, message }` and are thrown as ApiError so the UI
 * can show the server's plain-language message.
 */
import type { StatuteSnapshot } from '../../model/snapshot.js'
import type { BodyType } from '../../model/statuteDoc.js'

export interface StatuteSummary {
  readonly id: string
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly createdAt: string
  readonly updatedAt: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', '')
  }
  const text = await response.text()
  const data = text ? (JSON.parse(text) as unknown) : undefined
  if (!response.ok) {
    const error = (data ?? {}) as { code?: string; message?: string }
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText)
  }
  return data as T
}

export const api = {
  listStatutes: () => request<{ statutes: StatuteSummary[] }>('GET', '/api/statutes').then((r) => r.statutes),
  createStatute: (input: { title: string; organisation: string; bodyType: BodyType }) => request<StatuteSummary>('POST', '/api/statutes', input),
  getStatute: (id: string) => request<StatuteSummary & StatuteSnapshot>('GET', `/api/statutes/${encodeURIComponent(id)}`),
}
