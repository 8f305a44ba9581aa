/**
 * Loads the model clauses from templates/ (and an organisation's own folders) at start. Each file
 * is parsed and validated on its own: a broken file is reported with its name, the line and what
 * is wrong, and skipped; the valid ones are used.
 */
import fs from 'node:fs'
import path from 'node:path'
import { LineCounter, parseDocument, isNode, type Document } from 'yaml'
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
  const parsed = themeSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({ file, ...position(doc, counter, issue.path), path: formatPath(issue.path), message: issue.message })),
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
    if (value && /\{\{|\}\}/.test(value.replace(PLACEHOLDER, ''))) problems.push({ path: at, message: 'losse {{ of }}: sluit elke plaatsaanduiding af als {{…}}' })
  }
  duplicates(theme.parameters, ['parameters'])
  duplicates(theme.articles, ['articles'])
  theme.parameters.forEach((p, i) => {
    if (p.type === 'number' && typeof p.default !== 'number') problems.push({ path: ['parameters', i, 'default'], message: 'een getal verwacht (type: number)' })
  })
  placeholders(theme.title, ['title'])
  theme.articles.forEach((article, a) => {
    placeholders(article.title, ['articles', a, 'title'])
    placeholders(article.body, ['articles', a, 'body'])
    placeholders(article.toelichting, ['articles', a, 'toelichting'])
    if (article.variants) duplicates(article.variants, ['articles', a, 'variants'])
    article.variants?.forEach((variant, v) => {
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
