/**
 * Errors the API reports to clients: a stable code, an HTTP status and a plain-language message.
 * Routes throw these; the HTTP layer turns them into `{ code, message }` responses.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const badRequest = (message: string, details?: unknown): AppError => new AppError('bad_request', 400, message, details)
export const notFound = (message = 'Niet gevonden.'): AppError => new AppError('not_found', 404, message)
export const payloadTooLarge = (message = 'Het verzoek is te groot.'): AppError => new AppError('payload_too_large', 413, message)
export const unsupportedMediaType = (message = 'Stuur JSON (Content-Type: application/json).'): AppError =>
  new AppError('unsupported_media_type', 415, message)
export const internalError = (): AppError => new AppError('internal_error', 500, 'Er ging iets mis op de server. Probeer het opnieuw.')
export const unauthorized = (message = 'U bent niet (meer) aangemeld.'): AppError => new AppError('unauthorized', 401, message)
export const forbidden = (message = 'U heeft hiervoor geen rechten.'): AppError => new AppError('forbidden', 403, message)
export const conflict = (code: string, message: string, details?: unknown): AppError => new AppError(code, 409, message, details)
export const tooManyRequests = (message: string, retryAfterSeconds: number): AppError =>
  new AppError('too_many_requests', 429, message, { retryAfterSeconds })
