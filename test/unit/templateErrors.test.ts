/**
 * Malformed template files: each kind of mistake a griffie can make is reported with the file, the
 * line and a message that names what is wrong; the broken file is skipped and the valid ones are
 * still used, also by a running server.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeProblem, loadTemplateLibrary, parseThemeFile, type TemplateProblem } from '../../server/templates/TemplateLibrary.js'
import type { TemplateTheme } from '../../model/templates.js'
import { api, startTestServer, type TestServer } from '../helpers/server.js'

const tempDirs: string[] = []

function tempFolder(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samenspel-templates-'))
  tempDirs.push(dir)
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content)
  return dir
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** A valid theme file; `edit` changes its text before it is written. */
function themeFile(id = 'oss-vergaderorde', title = 'Vergaderorde', order = 80): string {
  return [
    `id: ${id}`,
    'version: 1',
    `title: ${title}`,
    'summary: "Hoe de vergadering verloopt."',
    `order: ${order}`,
    'parameters:',
    '  - id: spreektijd',
    '    label: "Spreektijd per fractie (minuten)"',
    '    type: number',
    '    default: 5',
    'articles:',
    '  - id: spreektijd',
    '    title: Spreektijd',
    '    default: true',
    '    body: |',
    '      1. {{Raad}} {{raad|stelt|stellen}} de spreektijd vast op {{param:spreektijd}} minuten per fractie.',
    '      2. {{Voorzitter}} bewaakt de spreektijd.',
    '    toelichting: |',
    '      Een vaste spreektijd geeft iedere fractie dezelfde ruimte.',
    '  - id: orde',
    '    title: Orde',
    '    default: false',
    '    body: |',
    '      {{Voorzitter}} handhaaft de orde in {{vergadering}}.',
    '    toelichting: |',
    '      Zo verloopt de vergadering rustig.',
    '',
  ].join('\n')
}

/** The 1-based line of the first line containing `fragment`. */
function lineOf(source: string, fragment: string, from = 0): number {
  const lines = source.split('\n')
  const index = lines.findIndex((line, i) => i >= from && line.includes(fragment))
  if (index < 0) throw new Error(`no line with ${fragment}`)
  return index + 1
}

/** Replaces exactly one occurrence, so a fixture edit cannot silently miss. */
function edit(source: string, from: string, to: string): string {
  expect(source.split(from)).toHaveLength(2)
  return source.replace(from, to)
}

const articleWith = (lines: string[]): string =>
  edit(
    themeFile(),
    [
      '  - id: orde',
      '    title: Orde',
      '    default: false',
      '    body: |',
      '      {{Voorzitter}} handhaaft de orde in {{vergadering}}.',
      '    toelichting: |',
      '      Zo verloopt de vergadering rustig.',
      '',
    ].join('\n'),
    [...lines, ''].join('\n'),
  )

interface Case {
  readonly name: string
  readonly source: string
  /** The problem expected (among the file's problems): line, path and what the message says. */
  readonly line: number | undefined
  readonly path?: string
  readonly message: RegExp
}

const base = themeFile()

const cases: Case[] = [
  (() => {
    // The README's pitfall: a colon and a space in unquoted text.
    const source = edit(base, 'summary: "Hoe de vergadering verloopt."', 'summary: Let op: zo verloopt de vergadering.')
    return { name: 'invalid YAML (colon in unquoted text)', source, line: lineOf(source, 'summary:'), message: /geen geldige YAML/ }
  })(),
  (() => {
    const source = edit(base, 'title: Vergaderorde', 'title: "Vergaderorde')
    return { name: 'invalid YAML (unclosed quote)', source, line: lineOf(source, 'title: "Vergaderorde'), message: /geen geldige YAML.*quote/i }
  })(),
  (() => {
    const source = edit(base, 'order: 80', 'order: 80\norder: 90')
    return { name: 'invalid YAML (a key twice)', source, line: lineOf(source, 'order: 90'), message: /geen geldige YAML.*unique/i }
  })(),
  { name: 'missing required field (no title)', source: edit(base, 'title: Vergaderorde\n', ''), line: 1, path: 'title', message: /ontbreekt/ },
  (() => {
    const source = edit(base, 'version: 1', 'version: "een"')
    return { name: 'wrong type (version: "een")', source, line: lineOf(source, 'version:'), path: 'version', message: /verwacht een (?:geheel )?getal.*"een"/ }
  })(),
  (() => {
    const source = edit(base, 'version: 1', 'version: 1.5')
    return { name: 'wrong type (version: 1.5)', source, line: lineOf(source, 'version:'), path: 'version', message: /geheel getal/ }
  })(),
  (() => {
    const source = edit(base, '    default: true', '    default: ja')
    return { name: 'wrong type (default: ja)', source, line: lineOf(source, 'default: ja'), path: 'articles[0].default', message: /true of false.*"ja"/ }
  })(),
  (() => {
    const source = articleWith(['  - id: orde', '    title: Orde', '    default: false'])
    return { name: 'article with neither body nor variants', source, line: lineOf(source, '- id: orde'), path: 'articles[1].body', message: /body en een toelichting \(of varianten\)/ }
  })(),
  (() => {
    const source = articleWith(['  - id: orde', '    title: Orde', '    body: |', '      Tekst.'])
    return { name: 'article with a body but no toelichting', source, line: lineOf(source, '- id: orde'), path: 'articles[1].toelichting', message: /toelichting/ }
  })(),
  (() => {
    const source = articleWith([
      '  - id: orde',
      '    title: Orde',
      '    body: |',
      '      Tekst.',
      '    toelichting: |',
      '      Uitleg.',
      '    variants:',
      '      - id: licht',
      '        label: Licht',
      '        body: Tekst.',
      '        toelichting: Uitleg.',
      '      - id: strikt',
      '        label: Strikt',
      '        body: Tekst.',
      '        toelichting: Uitleg.',
    ])
    return { name: 'article with both body and variants', source, line: lineOf(source, '- id: orde'), path: 'articles[1]', message: /óf body en toelichting, óf variants, niet allebei/ }
  })(),
  (() => {
    const source = articleWith(['  - id: orde', '    title: Orde', '    variants:', '      - id: licht', '        label: Licht', '        body: Tekst.', '        toelichting: Uitleg.'])
    return { name: 'one variant only', source, line: lineOf(source, '- id: licht'), path: 'articles[1].variants', message: /minstens twee varianten/ }
  })(),
  (() => {
    const source = edit(base, '  - id: orde', '  - id: spreektijd')
    return { name: 'duplicate article id', source, line: lineOf(source, '- id: spreektijd', lineOf(source, '- id: spreektijd', lineOf(source, 'articles:'))), path: 'articles[1].id', message: /id "spreektijd" komt twee keer voor/ }
  })(),
  (() => {
    const source = edit(base, '      2. {{Voorzitter}} bewaakt de spreektijd.', '      2. {{Voorzitter}} bewaakt de spreektijd, ook na {{param:x}} minuten.')
    return { name: 'undeclared {{param:x}}', source, line: lineOf(source, '    body: |'), path: 'articles[0].body', message: /\{\{param:x\}\}.*parameter "x" is niet gedeclareerd/ }
  })(),
  (() => {
    const source = edit(base, '      2. {{Voorzitter}} bewaakt de spreektijd.', '      2. {{Wethouderr}} bewaakt de spreektijd.')
    return { name: 'unknown term {{Wethouderr}}', source, line: lineOf(source, '    body: |'), path: 'articles[0].body', message: /onbekende term "Wethouderr"/ }
  })(),
  (() => {
    const source = edit(base, '      Zo verloopt de vergadering rustig.', '      Zo {{griffier|is|zijn}} de vergadering rustig.')
    return { name: 'verb form on a non-agreeing term {{griffier|is|zijn}}', source, line: lineOf(source, '    toelichting: |', lineOf(source, '- id: orde')), path: 'articles[1].toelichting', message: /alleen raad en college kennen een werkwoordsvorm, niet "griffier"/ }
  })(),
  (() => {
    const source = edit(base, '{{raad|stelt|stellen}}', '{{raad|stelt}}')
    return { name: 'verb form with one form only', source, line: lineOf(source, '    body: |'), path: 'articles[0].body', message: /enkelvoud\|meervoud/ }
  })(),
  (() => {
    const source = edit(base, '      2. {{Voorzitter}} bewaakt de spreektijd.', '      2. {{Voorzitter}} bewaakt de spreektijd van {{raad.')
    return { name: 'unclosed "{{raad"', source, line: lineOf(source, '    body: |'), path: 'articles[0].body', message: /losse \{\{ of \}\}/ }
  })(),
  (() => {
    const source = edit(base, '      2. {{Voorzitter}} bewaakt de spreektijd.', '      2. {{{Voorzitter}} bewaakt de spreektijd.')
    return { name: 'a stray third brace "{{{Voorzitter}}"', source, line: lineOf(source, '    body: |'), path: 'articles[0].body', message: /losse \{\{ of \}\}/ }
  })(),
  (() => {
    const source = edit(base, 'title: Vergaderorde', 'title: "Vergaderorde van {{raad}"')
    return { name: 'unclosed placeholder in a theme title', source, line: lineOf(source, 'title: "Vergaderorde'), path: 'title', message: /losse \{\{ of \}\}/ }
  })(),
  (() => {
    const source = edit(base, 'summary: "Hoe de vergadering verloopt."', 'summary: "Hoe {{raad}} vergadert."')
    return { name: 'a term in the summary (shown as written)', source, line: lineOf(source, 'summary:'), path: 'summary', message: /geen begrippen of parameters/ }
  })(),
  (() => {
    const source = edit(base, '    default: 5', '    default: vijf')
    return { name: 'text default for a number parameter', source, line: lineOf(source, 'default: vijf'), path: 'parameters[0].default', message: /getal verwacht/ }
  })(),
  (() => {
    const source = edit(base, 'order: 80', 'order: 80\nauteur: Griffie Oss')
    return { name: 'unknown extra key at the top', source, line: lineOf(source, 'auteur:'), path: 'auteur', message: /onbekend veld "auteur"/ }
  })(),
  (() => {
    const source = edit(base, '    title: Orde\n', '    title: Orde\n    titel: Orde\n')
    return { name: 'unknown extra key in an article', source, line: lineOf(source, 'titel: Orde'), path: 'articles[1].titel', message: /onbekend veld "titel"/ }
  })(),
  (() => {
    const source = edit(base, 'id: oss-vergaderorde', 'id: Oss Vergaderorde')
    return { name: 'an id with capitals and spaces', source, line: 1, path: 'id', message: /kleine letters, cijfers en streepjes/ }
  })(),
  { name: 'empty file', source: '', line: 1, message: /leeg/ },
  { name: 'only a comment', source: '# nog invullen\n', line: 1, message: /leeg/ },
]

describe('malformed template files', () => {
  it.each(cases)('$name: reported with file, line and what is wrong; the file is skipped', ({ source, line, path: at, message }) => {
    const dir = tempFolder({ 'kapot.yaml': source, 'goed.yaml': themeFile('oss-goed', 'Goed', 81) })
    const file = path.join(dir, 'kapot.yaml')
    const library = loadTemplateLibrary([dir])
    const problems = library.problems.filter((p) => p.file === file)
    expect(problems.length, JSON.stringify(library.problems)).toBeGreaterThan(0)
    // Every problem belongs to the broken file; the good one has none.
    expect(library.problems.every((p) => p.file === file)).toBe(true)
    const matching = problems.find((p) => message.test(p.message))
    expect(matching, `no problem matching ${message} in ${JSON.stringify(problems)}`).toBeDefined()
    expect(matching!.line).toBe(line)
    expect(matching!.column).toBeGreaterThanOrEqual(1)
    if (at !== undefined) expect(matching!.path).toBe(at)
    // The one-line form names the file and the line, as the server logs it.
    expect(describeProblem(matching!)).toMatch(new RegExp(`^${escape(file)}:${line}:\\d+${at ? ` ${escape(at)}` : ''}: `))
    expect(library.skipped).toEqual([file])
    expect(library.themes.map((t) => t.id)).toEqual(['oss-goed'])
  })

  it('accepts the base fixture itself (the cases above fail only because of their one change)', () => {
    const result = parseThemeFile('goed.yaml', base)
    expect(result.problems).toEqual([])
    expect(result.theme?.articles.map((a) => a.id)).toEqual(['spreektijd', 'orde'])
    expect(result.theme?.source).toBe('goed.yaml')
  })

  it('reports every problem of a file, not only the first', () => {
    const source = edit(edit(base, '{{Voorzitter}} bewaakt', '{{Wethouderr}} bewaakt'), '{{param:spreektijd}}', '{{param:spreektijdd}}')
    const { theme, problems } = parseThemeFile('twee.yaml', source)
    expect(theme).toBeUndefined()
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/param:spreektijdd/), expect.stringMatching(/Wethouderr/)])
  })

  it('reports a folder that does not exist, and still loads the other folders', () => {
    const missing = path.join(os.tmpdir(), `samenspel-bestaat-niet-${process.pid}-${Date.now()}`)
    const good = tempFolder({ 'goed.yaml': themeFile() })
    const library = loadTemplateLibrary([missing, good])
    expect(library.problems).toEqual([{ file: missing, message: expect.stringMatching(/map kan niet worden gelezen: ENOENT/) }])
    expect(describeProblem(library.problems[0]!)).toBe(`${missing}: map kan niet worden gelezen: ENOENT`)
    expect(library.themes.map((t) => t.id)).toEqual(['oss-vergaderorde'])
    expect(library.skipped).toEqual([])
  })

  it('loads the good file of a folder and lists the broken one in skipped', () => {
    const dir = tempFolder({
      '10-goed.yaml': themeFile('oss-goed', 'Goed', 5),
      '20-kapot.yaml': edit(themeFile('oss-kapot', 'Kapot', 6), '{{Voorzitter}} bewaakt', '{{wethouderr}} bewaakt'),
      'README.md': '# geen thema\n',
      'notities.txt': 'id: geen-yaml\n',
    })
    const library = loadTemplateLibrary([dir])
    expect(library.themes.map((t) => t.id)).toEqual(['oss-goed'])
    expect(library.themes[0]!.source).toBe(path.join(dir, '10-goed.yaml'))
    expect(library.skipped).toEqual([path.join(dir, '20-kapot.yaml')])
    expect(library.problems).toHaveLength(1)
    expect(library.problems[0]).toMatchObject({ file: path.join(dir, '20-kapot.yaml'), path: 'articles[0].body', message: expect.stringContaining('wethouderr') } satisfies Partial<TemplateProblem>)
  })

  it('reads .yml as well as .yaml', () => {
    const dir = tempFolder({ 'eigen.yml': themeFile('oss-yml', 'Yml', 3) })
    expect(loadTemplateLibrary([dir]).themes.map((t) => t.id)).toEqual(['oss-yml'])
  })

  it('lets a later folder override a theme id from an earlier one; the others stay', () => {
    const shipped = loadTemplateLibrary(['templates'])
    const own = tempFolder({
      'informatievoorziening.yaml': edit(themeFile('informatievoorziening', 'Eigen informatievoorziening', 30), 'version: 1', 'version: 4'),
      'eigen.yaml': themeFile('oss-vergaderorde', 'Vergaderorde', 80),
    })
    const library = loadTemplateLibrary(['templates', own])
    expect(library.problems).toEqual([])
    expect(library.themes.map((t) => t.id)).toEqual([...shipped.themes.map((t) => t.id), 'oss-vergaderorde'])
    const overridden = library.themes.find((t) => t.id === 'informatievoorziening')!
    expect(overridden.title).toBe('Eigen informatievoorziening')
    expect(overridden.version).toBe(4)
    expect(overridden.source).toBe(path.join(own, 'informatievoorziening.yaml'))
    expect(overridden.articles.map((a) => a.id)).toEqual(['spreektijd', 'orde'])
    // The same folders the other way round: the shipped theme wins again.
    const reversed = loadTemplateLibrary([own, 'templates'])
    expect(reversed.themes.find((t) => t.id === 'informatievoorziening')!.title).toBe('Informatievoorziening')
  })

  it('keeps the shipped theme when the overriding file is broken', () => {
    const own = tempFolder({ 'informatievoorziening.yaml': edit(themeFile('informatievoorziening', 'Kapot', 30), 'version: 1', 'version: nul') })
    const library = loadTemplateLibrary(['templates', own])
    expect(library.skipped).toEqual([path.join(own, 'informatievoorziening.yaml')])
    expect(library.themes.find((t) => t.id === 'informatievoorziening')!.title).toBe('Informatievoorziening')
    expect(library.themes).toHaveLength(7)
  })
})

describe('a server with a broken template file', () => {
  let server: TestServer
  let own: string
  beforeAll(async () => {
    own = tempFolder({
      'eigen.yaml': themeFile('oss-vergaderorde', 'Vergaderorde', 80),
      'kapot.yaml': edit(themeFile('oss-kapot', 'Kapot', 85), 'version: 1', 'version: "een"'),
    })
    server = await startTestServer({ templateDirs: [path.resolve('templates'), own] })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('still starts, and knows which file it skipped and why', async () => {
    expect((await api(server, 'GET', '/healthz')).status).toBe(200)
    expect(server.templates.skipped).toEqual([path.join(own, 'kapot.yaml')])
    expect(server.templates.problems.map(describeProblem)).toEqual([`${path.join(own, 'kapot.yaml')}:2:10 version: verwacht een getal, maar hier staat tekst ("een")`])
  })

  it('serves the valid templates, its own theme included, and not the broken one', async () => {
    const { status, body } = await api<{ themes: Array<Omit<TemplateTheme, 'source'> & { source?: string }> }>(server, 'GET', '/api/templates')
    expect(status).toBe(200)
    const ids = body.themes.map((t) => t.id)
    expect(ids).toEqual([
      'algemene-bepalingen',
      'omgangsvormen',
      'informatievoorziening',
      'participatie',
      'controle-en-verantwoording',
      'samenwerking-in-de-driehoek',
      'evaluatie-en-slotbepalingen',
      'oss-vergaderorde',
    ])
    expect(ids).not.toContain('oss-kapot')
    expect(JSON.stringify(body)).not.toContain('Kapot')
    const ownTheme = body.themes.find((t) => t.id === 'oss-vergaderorde')!
    expect(ownTheme.parameters).toEqual([{ id: 'spreektijd', label: 'Spreektijd per fractie (minuten)', type: 'number', default: 5 }])
    expect(ownTheme.articles.map((a) => [a.id, a.default])).toEqual([
      ['spreektijd', true],
      ['orde', false],
    ])
    // File paths on the server are not served.
    expect(body.themes.every((t) => t.source === undefined)).toBe(true)
    expect(JSON.stringify(body)).not.toContain(own)
  })

  it('builds a statute from its own theme and refuses the broken one', async () => {
    const made = await api<{ id: string }>(server, 'POST', '/api/statutes', {
      title: 'Statuut Oss',
      organisation: 'Gemeente Oss',
      templates: { themes: [{ id: 'oss-vergaderorde', articles: [{ id: 'spreektijd' }] }], parameters: { spreektijd: 7 } },
    })
    expect(made.status).toBe(201)
    const statute = await api<{ chapters: Array<{ title: string; articles: Array<{ title: string; body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${made.body.id}`)
    expect(statute.body.chapters.map((c) => c.title)).toEqual(['Vergaderorde'])
    expect(statute.body.chapters[0]!.articles.map((a) => a.body.text)).toEqual(['1. De raad stelt de spreektijd vast op 7 minuten per fractie.\n2. De burgemeester bewaakt de spreektijd.'])
    const refused = await api<{ message: string }>(server, 'POST', '/api/statutes', {
      title: 'Statuut Oss',
      templates: { themes: [{ id: 'oss-kapot', articles: [{ id: 'spreektijd' }] }], parameters: {} },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain('"oss-kapot"')
  })
})

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
