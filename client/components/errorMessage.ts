import { ApiError } from '../api/api.js'

/** The server's plain-language message, or a general one. */
export function errorMessage(error: unknown, t: (key: string) => string): string {
  if (error instanceof ApiError) return error.status === 0 ? t('errors.network') : error.message || t('errors.generic')
  return t('errors.generic')
}
