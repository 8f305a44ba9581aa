/**
 * Control characters in text: invisible, and PostgreSQL cannot store U+0000 at all. Requests that
 * carry them are refused (http/validation.ts); text the server reads from elsewhere (a Word file)
 * is cleaned with `withoutControlCharacters`, so what is previewed can also be imported.
 */

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g')

/** `text` without the characters CONTROL_CHARACTER matches. */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '')
}
