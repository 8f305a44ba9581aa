/**
 * The credentials test clients use when a test names none: an API token of the administrator that
 * `startTestServer` creates. Set by the server helper; read by the client helpers.
 */
export const defaultCredentials: { token: string | undefined } = { token: undefined }
