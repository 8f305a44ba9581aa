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

const C1 = /[\u0080-\u009F]/g

/**
 * Windows-1252 at 0x80–0x9F (WHATWG Encoding, index-windows-1252); undefined bytes (0x81, 0x8D,
 * 0x8F, 0x90, 0x9D) are left out. Written out because Node 20's TextDecoder reads "windows-1252"
 * as Latin-1, which is exactly the mistake being repaired.
 */
const WINDOWS_1252 = new Map<number, string>(
  (
    [
      [0x80, 0x20ac], [0x82, 0x201a], [0x83, 0x0192], [0x84, 0x201e], [0x85, 0x2026], [0x86, 0x2020], [0x87, 0x2021],
      [0x88, 0x02c6], [0x89, 0x2030], [0x8a, 0x0160], [0x8b, 0x2039], [0x8c, 0x0152], [0x8e, 0x017d], [0x91, 0x2018],
      [0x92, 0x2019], [0x93, 0x201c], [0x94, 0x201d], [0x95, 0x2022], [0x96, 0x2013], [0x97, 0x2014], [0x98, 0x02dc],
      [0x99, 0x2122], [0x9a, 0x0161], [0x9b, 0x203a], [0x9c, 0x0153], [0x9e, 0x017e], [0x9f, 0x0178],
    ] as const
  ).map(([byte, codePoint]) => [byte, String.fromCodePoint(codePoint)]),
)

/**
 * Text pasted from old systems often holds Windows-1252 punctuation read as Latin-1: "\u0096"
 * where "–" was meant, "\u0080" for "€", "\u0093…\u0094" for quotes. Those become what was
 * meant (as browsers read such text); the five bytes Windows-1252 leaves undefined stay C1
 * controls. `repaired` counts the characters changed.
 */
export function repairWindows1252(text: string): { text: string; repaired: number } {
  let repaired = 0
  const result = text.replace(C1, (c) => {
    const meant = WINDOWS_1252.get(c.charCodeAt(0))
    if (meant === undefined) return c
    repaired += 1
    return meant
  })
  return { text: result, repaired }
}
