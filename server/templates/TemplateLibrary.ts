/**
 * Loads the model clauses from templates/ (and an organisation's own folders) at start. Each file
 * is parsed and validated on its own: a broken file is reported with its name, the line and what
 * is wrong, and skipped; the valid ones are used.
 */
import fs from 'node:fs'
import path from 'node:path'
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml'
import { checkPlaceholder, PLACEHOLDER, type TemplateTheme } from '../../model/templates.js'
import { themeSchema, type ThemeFile } from './templateSchema.js'

export interface TemplateProblem {
  readonly file: string
  /** 1-based line and column, when known. */
  readonly line?: number
  readonly column?: number
  /** Where in the file's structure, e.g. "articles[2].body". */
  readonly path?: string
  readonly message: string
}

export interface TemplateLibrary {
  readonly themes: readonly TemplateTheme[]
  readonly problems: readonly TemplateProblem[]
  /** Files that were skipped because of problems. */
  readonly skipped: readonly string[]
}

function formatPath(segments: ReadonlyArray<PropertyKey>): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`)).join('')
}

function position(doc: Document, counter: LineCounter, segments: ReadonlyArray<PropertyKey>): { line?: number; column?: number } {
  // The deepest node that exists on the path tells where to look.
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n) as Array<string | number>, true)
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0])
      return { line, column: col }
    }
  }
  return {}
}

/** Where a key of the mapping at `segments` is written (for an unknown key); else where the mapping is. */
function keyPosition(doc: Document, counter: LineCounter, segments: ReadonlyArray<PropertyKey>, key: string): { line?: number; column?: number } {
  const parent = doc.getIn(segments as Array<string | number>, true)
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key)
    if (pair && isNode(pair.key) && pair.key.range) {
      const { line, col } = counter.linePos(pair.key.range[0])
      return { line, column: col }
    }
  }
  return position(doc, counter, segments)
}

const EXPECTED: Readonly<Record<string, string>> = { number: 'een getal', int: 'een geheel getal', string: 'tekst', boolean: 'true of false', array: 'een lijst', object: 'velden (een blok met sleutels)' }

function described(value: unknown): string {
  if (value === null) return 'niets'
  if (Array.isArray(value)) return 'een lijst'
  if (typeof value === 'string') return `tekst ("${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`
  if (typeof value === 'number') return `een getal (${value})`
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'object') return 'velden (een blok met sleutels)'
  return typeof value
}

/**
 * Messages for the people who write template files, for the issues the schema gives no message of
 * its own (zod's defaults are English and say "received undefined" for a missing field).
 */
function templateIssueMessage(issue: { code?: string; expected?: string; input?: unknown; keys?: readonly string[] }): string | undefined {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected ?? ''] ?? issue.expected
    return issue.input === undefined ? `verplicht veld ontbreekt (verwacht ${expected})` : `verwacht ${expected}, maar hier staat ${described(issue.input)}`
  }
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ')
    return `${issue.keys.length === 1 ? 'onbekend veld' : 'onbekende velden'} ${keys} (controleer de spelling en de inspringing)`
  }
  return undefined
}

/** Parses and validates one file's text. */
export function parseThemeFile(file: string, source: string): { theme?: TemplateTheme; problems: TemplateProblem[] } {
  const counter = new LineCounter()
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const { line, col } = counter.linePos(error.pos[0])
        return { file, line, column: col, message: `geen geldige YAML: ${error.message.split('\n')[0]}` }
      }),
    }
  }
  if (doc.contents === null) {
    return { problems: [{ file, line: 1, column: 1, message: 'het bestand is leeg: een thema heeft id, version, title, summary, order en articles' }] }
  }
  const parsed = themeSchema.safeParse(doc.toJS(), { error: templateIssueMessage })
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        // An unknown key is reported where it is written, not where its mapping starts.
        if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
          const key = issue.keys[0]!
          return { file, ...keyPosition(doc, counter, issue.path, key), path: formatPath([...issue.path, key]), message: issue.message }
        }
        return { file, ...position(doc, counter, issue.path), path: formatPath(issue.path), message: issue.message }
      }),
    }
  }
  const problems = checkSemantics(parsed.data).map((p) => ({ file, ...position(doc, counter, p.path), path: formatPath(p.path), message: p.message }))
  if (problems.length > 0) return { problems }
  return { theme: { ...parsed.data, source: file }, problems: [] }
}

/** Checks what the schema cannot: unique ids and valid placeholders. */
function checkSemantics(theme: ThemeFile): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = []
  const parameters = new Set(theme.parameters.map((p) => p.id))
  const duplicates = <T extends { id: string }>(items: readonly T[], at: Array<string | number>): void => {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      if (seen.has(item.id)) problems.push({ path: [...at, index, 'id'], message: `id "${item.id}" komt twee keer voor` })
      seen.add(item.id)
    })
  }
  const placeholders = (value: string | undefined, at: Array<string | number>): void => {
    for (const match of value?.matchAll(PLACEHOLDER) ?? []) {
      const problem = checkPlaceholder(match[1] ?? '', parameters)
      if (problem) problems.push({ path: at, message: `{{${match[1]}}}: ${problem}` })
    }
    // Any brace left over is a typo ("{{raad", "{{{raad}}"): it would show in the statute.
    if (value && /[{}]/.test(value.replace(PLACEHOLDER, ''))) problems.push({ path: at, message: 'losse {{ of }}: sluit elke plaatsaanduiding af als {{…}}' })
  }
  /** Texts shown as they are (summary, labels, descriptions): no terms or parameters there. */
  const plain = (value: string | undefined, at: Array<string | number>): void => {
    if (value && /[{}]/.test(value)) problems.push({ path: at, message: 'hier worden geen begrippen of parameters ingevuld: schrijf gewone tekst die voor iedere soort overheid klopt' })
  }
  duplicates(theme.parameters, ['parameters'])
  duplicates(theme.articles, ['articles'])
  theme.parameters.forEach((p, i) => {
    if (p.type === 'number' && typeof p.default !== 'number') problems.push({ path: ['parameters', i, 'default'], message: 'een getal verwacht (type: number)' })
  })
  placeholders(theme.title, ['title'])
  plain(theme.summary, ['summary'])
  theme.parameters.forEach((p, i) => plain(p.label, ['parameters', i, 'label']))
  theme.articles.forEach((article, a) => {
    placeholders(article.title, ['articles', a, 'title'])
    placeholders(article.body, ['articles', a, 'body'])
    placeholders(article.toelichting, ['articles', a, 'toelichting'])
    if (article.variants) duplicates(article.variants, ['articles', a, 'variants'])
    article.variants?.forEach((variant, v) => {
      plain(variant.label, ['articles', a, 'variants', v, 'label'])
      plain(variant.description, ['articles', a, 'variants', v, 'description'])
      placeholders(variant.body, ['articles', a, 'variants', v, 'body'])
      placeholders(variant.toelichting, ['articles', a, 'variants', v, 'toelichting'])
    })
  })
  return problems
}

/**
 * Reads every *.yaml / *.yml file in the folders, in order. A theme id in a later folder (an
 * organisation's own) replaces the same id from an earlier one.
 */
export function loadTemplateLibrary(folders: readonly string[]): TemplateLibrary {
  const themes = new Map<string, TemplateTheme>()
  const problems: TemplateProblem[] = []
  const skipped: string[] = []
  for (const folder of folders) {
    let names: string[]
    try {
      names = fs.readdirSync(folder).filter((name) => /\.ya?ml$/i.test(name)).sort()
    } catch (error) {
      problems.push({ file: folder, message: `map kan niet worden gelezen: ${(error as NodeJS.ErrnoException).code ?? String(error)}` })
      continue
    }
    for (const name of names) {
      const file = path.join(folder, name)
      let source: string
      try {
        source = fs.readFileSync(file, 'utf8')
      } catch (error) {
        problems.push({ file, message: `bestand kan niet worden gelezen: ${(error as NodeJS.ErrnoException).code ?? String(error)}` })
        skipped.push(file)
        continue
      }
      const result = parseThemeFile(file, source)
      if (!result.theme) {
        problems.push(...result.problems)
        skipped.push(file)
        continue
      }
      themes.set(result.theme.id, result.theme)
    }
  }
  return { themes: [...themes.values()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id)), problems, skipped }
}

/** A problem as one readable line: "file:line:column path: message". */
export function describeProblem(problem: TemplateProblem): string {
  const where = [problem.file, problem.line, problem.column].filter((x) => x !== undefined).join(':')
  return `${where}${problem.path ? ` ${problem.path}` : ''}: ${problem.message}`
}
