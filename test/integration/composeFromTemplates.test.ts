/**
 * Statutes composed from model clauses through the real API: the chosen chapters and articles in
 * the model's order with continuous numbers, the chosen variant and parameter values in the text,
 * each article's source; bad choices refused; body-type terms; and five people opening a just
 * created statute at the same moment, each seeing every clause exactly once, also after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadTemplateLibrary } from '../../server/templates/TemplateLibrary.js'
import { defaultChoice, renderClause, type TemplateChoice } from '../../model/templates.js'
import { richTextToPlain } from '../../model/richText.js'
import { readArticleSource, readMeta, readOutline, readTemplateParameters, type BodyType } from '../../model/statuteDoc.js'
import { api, startTestServer, type TestServer } from '../helpers/server.js'
import { connectClient, stateOf, synced, type TestClient } from '../helpers/clients.js'

const { themes } = loadTemplateLibrary(['templates'])

interface ArticleJson {
  readonly id: string
  readonly number: number
  readonly label: string
  readonly title: string
  readonly body: { readonly text: string }
  readonly toelichting: { readonly text: string }
}
interface StatuteJson {
  readonly id: string
  readonly title: string
  readonly organisation: string
  readonly bodyType: BodyType
  readonly chapters: ReadonlyArray<{ readonly number: number; readonly label: string; readonly title: string; readonly articles: readonly ArticleJson[] }>
}

function theme(id: string) {
  const found = themes.find((t) => t.id === id)
  if (!found) throw new Error(`no theme ${id}`)
  return found
}

async function create(server: TestServer, body: Record<string, unknown>): Promise<string> {
  const { status, body: created } = await api<{ id: string; message?: string }>(server, 'POST', '/api/statutes', body)
  if (status !== 201) throw new Error(`create failed: ${status} ${JSON.stringify(created)}`)
  return created.id
}

async function statute(server: TestServer, id: string): Promise<StatuteJson> {
  const { status, body } = await api<StatuteJson>(server, 'GET', `/api/statutes/${id}`)
  expect(status).toBe(200)
  return body
}

/** The text an article must have: the model clause rendered exactly as the server renders it. */
function expectedText(themeId: string, articleId: string, variant: string | undefined, bodyType: BodyType, name: string, parameters: Record<string, string | number>) {
  const t = theme(themeId)
  const article = t.articles.find((a) => a.id === articleId)!
  const clause = renderClause(t, article, variant, { bodyType, name, parameters })
  return { title: clause.title, body: richTextToPlain(clause.body), toelichting: richTextToPlain(clause.toelichting) }
}

const clients: TestClient[] = []
function client(server: TestServer, id: string): TestClient {
  const c = connectClient(server.wsUrl, id)
  clients.push(c)
  return c
}
function closeClients(): void {
  for (const c of clients.splice(0)) c.destroy()
}

describe('composing a statute from chosen model clauses', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    closeClients()
    await server?.close()
  })

  // Three themes and their articles deliberately out of order; two non-default articles, one
  // non-default variant, one variant left to its default, a custom number and a custom text.
  const choice: TemplateChoice = {
    themes: [
      {
        id: 'samenwerking-in-de-driehoek',
        articles: [{ id: 'gezamenlijke-planning' }, { id: 'overleg-in-de-driehoek' }],
      },
      {
        id: 'controle-en-verantwoording',
        articles: [{ id: 'onderzoek-doelmatigheid-en-doeltreffendheid' }, { id: 'rekenkamer' }, { id: 'uitvoering-moties-en-amendementen', variant: 'strikt' }],
      },
      {
        id: 'informatievoorziening',
        articles: [{ id: 'wensen-en-bedenkingen' }, { id: 'technische-vragen' }, { id: 'actieve-informatieplicht' }],
      },
    ],
    parameters: { 'termijn-technische-vragen': 10, 'termijn-motie': 6, 'frequentie-driehoeksoverleg': 'eens per maand' },
  }
  /** What the statute must hold: chapters in theme `order`, articles in template order. */
  const expected = [
    {
      theme: 'informatievoorziening',
      title: 'Informatievoorziening',
      articles: [
        { id: 'actieve-informatieplicht', title: 'Actieve informatieplicht' },
        { id: 'technische-vragen', title: 'Technische vragen', variant: 'licht' },
        { id: 'wensen-en-bedenkingen', title: 'Wensen en bedenkingen vooraf' },
      ],
    },
    {
      theme: 'controle-en-verantwoording',
      title: 'Controle en verantwoording',
      articles: [
        { id: 'uitvoering-moties-en-amendementen', title: 'Uitvoering van moties en amendementen', variant: 'strikt' },
        { id: 'rekenkamer', title: 'Rekenkamer' },
        { id: 'onderzoek-doelmatigheid-en-doeltreffendheid', title: 'Onderzoek naar doelmatigheid en doeltreffendheid' },
      ],
    },
    {
      theme: 'samenwerking-in-de-driehoek',
      title: 'Samenwerking in de driehoek',
      articles: [
        { id: 'overleg-in-de-driehoek', title: 'Overleg in de driehoek' },
        { id: 'gezamenlijke-planning', title: 'Gezamenlijke planning' },
      ],
    },
  ]

  it('gives exactly the chosen chapters and articles, in order, numbered continuously, with the chosen texts', async () => {
    const id = await create(server, { title: 'Statuut samenwerking Oss', organisation: 'Gemeente Oss', bodyType: 'gemeente', templates: choice })
    const json = await statute(server, id)
    expect(json.title).toBe('Statuut samenwerking Oss')
    expect(json.bodyType).toBe('gemeente')
    expect(json.chapters.map((c) => [c.label, c.title])).toEqual(expected.map((c, i) => [`Hoofdstuk ${i + 1}`, c.title]))
    expect(json.chapters.map((c) => c.articles.map((a) => a.title))).toEqual(expected.map((c) => c.articles.map((a) => a.title)))
    const articles = json.chapters.flatMap((c) => c.articles)
    expect(articles.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(articles.map((a) => a.label)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `Artikel ${n}`))

    // Every text is the model clause, rendered for a gemeente with these parameters.
    const flat = expected.flatMap((c) => c.articles.map((a) => ({ ...a, theme: c.theme })))
    flat.forEach((a, i) => {
      const text = expectedText(a.theme, a.id, a.variant, 'gemeente', 'Gemeente Oss', choice.parameters)
      expect(articles[i]!.body.text, a.id).toBe(text.body)
      expect(articles[i]!.toelichting.text, a.id).toBe(text.toelichting)
    })

    // The non-default variant and the parameter values, in plain words.
    const byTitle = (title: string) => articles.find((a) => a.title === title)!
    const moties = byTitle('Uitvoering van moties en amendementen')
    expect(moties.body.text).toMatch(/^1\. Binnen 6 weken na het aannemen van een motie laat het college de raad schriftelijk weten:\n {2}a\. hoe het college de motie uitvoert;/)
    expect(moties.body.text).toContain('4. Het college stuurt de raad eenmaal per kwartaal de actuele stand van de uitvoering.')
    expect(moties.body.text).not.toContain('tweemaal per jaar') // that is the light variant
    const technisch = byTitle('Technische vragen')
    expect(technisch.body.text).toContain('uiterlijk binnen 10 werkdagen.')
    expect(technisch.body.text).not.toContain('registreert de vraag') // that is the strict variant
    expect(byTitle('Overleg in de driehoek').body.text).toMatch(/^1\. De driehoek overlegt eens per maand\.$/m)
    expect(byTitle('Actieve informatieplicht').body.text).toContain('(artikel 169 van de Gemeentewet)')
    expect(articles.flatMap((a) => [a.title, a.body.text, a.toelichting.text]).join('\n')).not.toMatch(/\{\{|\}\}/)
  })

  it("records each article's source (theme, article, variant, version) and the parameters in the shared document", async () => {
    const id = await create(server, { title: 'Statuut', organisation: 'Gemeente Oss', bodyType: 'gemeente', templates: choice })
    const c = client(server, id)
    await synced(c)
    const outline = readOutline(c.doc)
    expect(outline.deleted).toEqual([])
    expect(outline.chapters.map((ch) => ch.title)).toEqual(expected.map((e) => e.title))
    const sources = outline.chapters.flatMap((ch) => ch.articles.map((a) => readArticleSource(c.doc, a.id)))
    expect(sources).toEqual(
      expected.flatMap((e) =>
        e.articles.map((a) => ({ theme: e.theme, article: a.id, version: theme(e.theme).version, ...(a.variant ? { variant: a.variant } : {}) })),
      ),
    )
    // A variant article chosen without a variant is recorded with the variant it got.
    expect(sources.find((s) => s?.article === 'technische-vragen')).toEqual({ theme: 'informatievoorziening', article: 'technische-vragen', variant: 'licht', version: 1 })
    expect(sources.find((s) => s?.article === 'rekenkamer')).not.toHaveProperty('variant')
    expect(readTemplateParameters(c.doc)).toEqual(choice.parameters)
    expect(readMeta(c.doc)).toEqual({ title: 'Statuut', organisation: 'Gemeente Oss', bodyType: 'gemeente' })
  })

  it('starts with one empty article and no sources without a choice', async () => {
    const id = await create(server, { title: 'Leeg statuut', organisation: 'Gemeente Oss' })
    const json = await statute(server, id)
    expect(json.chapters.map((c) => [c.title, c.articles.map((a) => a.title)])).toEqual([['Algemene bepalingen', ['Doel']]])
    const c = client(server, id)
    await synced(c)
    const article = readOutline(c.doc).chapters[0]!.articles[0]!
    expect(readArticleSource(c.doc, article.id)).toBeUndefined()
  })

  describe('refuses a bad choice with a 400 naming what is wrong, and creates nothing', () => {
    const informatie = (articles: Array<{ id: string; variant?: string }>, parameters: Record<string, string | number> = {}) => ({
      themes: [{ id: 'informatievoorziening', articles }],
      parameters,
    })
    const bad: Array<[string, unknown, RegExp]> = [
      ['unknown theme', { themes: [{ id: 'bestaat-niet', articles: [] }], parameters: {} }, /thema "bestaat-niet"/i],
      ['unknown article', informatie([{ id: 'geen-artikel' }]), /artikel "geen-artikel".*"informatievoorziening"/i],
      ['an article of another theme', informatie([{ id: 'rekenkamer' }]), /artikel "rekenkamer"/i],
      ['unknown variant', informatie([{ id: 'technische-vragen', variant: 'middel' }]), /variant "middel".*"technische-vragen"/i],
      ['a variant of an article without variants', informatie([{ id: 'actieve-informatieplicht', variant: 'licht' }]), /variant "licht".*"actieve-informatieplicht"/i],
      ['unknown parameter', informatie([{ id: 'technische-vragen' }], { 'termijn-onbekend': 3 }), /parameter "termijn-onbekend"/i],
      ['a parameter of a theme that was not chosen', informatie([{ id: 'technische-vragen' }], { 'termijn-motie': 3 }), /parameter "termijn-motie"/i],
      ['text for a number parameter', informatie([{ id: 'technische-vragen' }], { 'termijn-technische-vragen': 'tien' }), /parameter "termijn-technische-vragen".*getal/i],
      ['a number parameter given as digits in a string', informatie([{ id: 'technische-vragen' }], { 'termijn-technische-vragen': '10' }), /parameter "termijn-technische-vragen".*getal/i],
      ['the same theme twice', { themes: [{ id: 'participatie', articles: [{ id: 'terugkoppeling' }] }, { id: 'participatie', articles: [{ id: 'participatieverordening' }] }], parameters: {} }, /"participatie"/],
      ['the same article twice', informatie([{ id: 'toezeggingen' }, { id: 'toezeggingen' }]), /"toezeggingen"/],
      ['an id that is not an id', { themes: [{ id: 'Informatie Voorziening', articles: [] }], parameters: {} }, /templates\.themes\.0\.id/],
      ['a negative number', informatie([{ id: 'technische-vragen' }], { 'termijn-technische-vragen': -1 }), /templates\.parameters\.termijn-technische-vragen/],
      ['an unknown key in the choice', { ...informatie([{ id: 'technische-vragen' }]), extra: true }, /extra/],
    ]

    it.each(bad)('%s', async (_name, templates, message) => {
      const before = (await api<{ statutes: unknown[] }>(server, 'GET', '/api/statutes')).body.statutes.length
      const { status, body } = await api<{ code: string; message: string }>(server, 'POST', '/api/statutes', { title: 'Fout', organisation: 'Gemeente Oss', templates })
      expect(status).toBe(400)
      expect(body.code).toBe('bad_request')
      expect(body.message).toMatch(message)
      expect((await api<{ statutes: unknown[] }>(server, 'GET', '/api/statutes')).body.statutes).toHaveLength(before)
    })
  })

  it('leaves out clauses that do not exist for a body type (no enquêterecht for a waterschap)', async () => {
    const enquete = { id: 'controle-en-verantwoording', articles: [{ id: 'enqueterecht' }] }
    expect(defaultChoice(themes, 'waterschap').themes.flatMap((t) => t.articles.map((a) => a.id))).not.toContain('enqueterecht')
    expect(defaultChoice(themes, 'provincie').themes.flatMap((t) => t.articles.map((a) => a.id))).toContain('enqueterecht')
    const refused = await api<{ code: string; message: string }>(server, 'POST', '/api/statutes', { title: 'T', organisation: 'Waterschap Vallei en Veluwe', bodyType: 'waterschap', templates: { themes: [enquete], parameters: {} } })
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain('enqueterecht')
    const accepted = await api(server, 'POST', '/api/statutes', { title: 'T', organisation: 'Gemeente Ermelo', bodyType: 'gemeente', templates: { themes: [enquete], parameters: {} } })
    expect(accepted.status).toBe(201)
  })

  it.each([
    ['gemeente', 'Gemeente Oss', ['de raad', 'het college', 'De burgemeester', 'de griffier', 'artikel 169 van de Gemeentewet', 'raadsinformatiebrief'], /Provinciale Staten|Gedeputeerde Staten|algemeen bestuur|dagelijks bestuur|dijkgraaf/],
    ['provincie', 'Provincie Utrecht', ['Provinciale Staten stellen', 'Gedeputeerde Staten informeren Provinciale Staten', 'De commissaris van de Koning', 'de statengriffier', 'artikel 167 van de Provinciewet', 'Statenbrief'], /\b[Dd]e raad\b|\b[Hh]et college\b|Gemeentewet|Waterschapswet|algemeen bestuur/],
    ['waterschap', 'Waterschap Aa en Maas', ['het algemeen bestuur', 'Het dagelijks bestuur', 'De dijkgraaf', 'de secretaris-directeur', 'ingezetenen', '(de Waterschapswet)'], /\b[Dd]e raad\b|\b[Hh]et college\b|Staten|Gemeentewet|Provinciewet|\binwoners\b/],
  ] as const)('renders the default choice with the terms of a %s', async (bodyType, organisation, present, absent) => {
    const choice = defaultChoice(themes, bodyType)
    const id = await create(server, { title: `Statuut ${organisation}`, organisation, bodyType, templates: choice })
    const json = await statute(server, id)
    expect(json.bodyType).toBe(bodyType)
    expect(json.chapters.map((c) => c.title)).toEqual(themes.map((t) => t.title))
    const articles = json.chapters.flatMap((c) => c.articles)
    expect(articles).toHaveLength(choice.themes.reduce((n, t) => n + t.articles.length, 0))
    expect(articles.map((a) => a.number)).toEqual(articles.map((_, i) => i + 1))
    const bodies = articles.map((a) => a.body.text).join('\n')
    for (const phrase of present) expect(bodies, phrase).toContain(phrase)
    expect(bodies).not.toMatch(absent)
    expect(bodies).not.toMatch(/\{\{|\}\}/)
    // Each article exactly as the model renders it for this body type.
    const chosen = choice.themes.flatMap((t) => t.articles.map((a) => ({ theme: t.id, ...a })))
    chosen.forEach((a, i) => expect(articles[i]!.body.text, a.id).toBe(expectedText(a.theme, a.id, a.variant, bodyType, organisation, choice.parameters).body))
    expect(articles.at(-1)!.body.text).toBe(`Dit statuut wordt aangehaald als: Statuut samenwerking ${organisation}.`)
  })
})

describe('five people opening a just-created template statute at the same moment', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    closeClients()
    await server?.close()
  })

  const everything: TemplateChoice = {
    themes: themes.map((t) => ({ id: t.id, articles: t.articles.map((a) => (a.variants ? { id: a.id, variant: a.variants.at(-1)!.id } : { id: a.id })) })),
    parameters: {},
  }
  const some: TemplateChoice = {
    themes: [
      { id: 'omgangsvormen', articles: [{ id: 'integriteit' }, { id: 'respect-en-rolvastheid' }] },
      { id: 'participatie', articles: [{ id: 'betrekken-bij-kaderstelling', variant: 'participatieplan' }] },
    ],
    parameters: {},
  }
  const statutes: Array<{ bodyType: BodyType; organisation: string; templates: TemplateChoice }> = [
    { bodyType: 'gemeente', organisation: 'Gemeente Oss', templates: defaultChoice(themes) },
    { bodyType: 'provincie', organisation: 'Provincie Utrecht', templates: everything },
    { bodyType: 'waterschap', organisation: 'Waterschap Aa en Maas', templates: some },
  ]
  const seen = new Map<string, { state: string; count: number; titles: string[] }>()

  it('each of the five sees every clause exactly once and the same document, for three statutes', async () => {
    // Kept by creation index: the three requests run at once and may finish in any order.
    const created: Array<{ id: string; state: string; count: number; titles: string[] }> = []
    await Promise.all(
      statutes.map(async (s, index) => {
        const id = await create(server, { title: `Statuut ${index + 1}`, organisation: s.organisation, bodyType: s.bodyType, templates: s.templates })
        // All five at once, straight after the POST returns, nothing awaited in between.
        const five = [0, 1, 2, 3, 4].map(() => client(server, id))
        await Promise.all(five.map((c) => synced(c)))
        const count = s.templates.themes.reduce((n, t) => n + t.articles.length, 0)
        const expectedTitles = s.templates.themes
          .flatMap((t) => [...t.articles].sort((a, b) => theme(t.id).articles.findIndex((x) => x.id === a.id) - theme(t.id).articles.findIndex((x) => x.id === b.id)).map((a) => ({ theme: t.id, ...a })))
          .map((a) => expectedText(a.theme, a.id, a.variant, s.bodyType, s.organisation, {}).title)
        for (const c of five) {
          const outline = readOutline(c.doc)
          const articles = outline.chapters.flatMap((ch) => ch.articles)
          expect(outline.chapters).toHaveLength(s.templates.themes.length)
          expect(articles).toHaveLength(count)
          expect(new Set(articles.map((a) => a.id)).size).toBe(count)
          expect(new Set(articles.map((a) => a.title)).size).toBe(count)
          expect(articles.map((a) => a.title)).toEqual(expectedTitles)
          expect(new Set(articles.map((a) => `${readArticleSource(c.doc, a.id)?.theme}/${readArticleSource(c.doc, a.id)?.article}`)).size).toBe(count)
          expect(outline.deleted).toEqual([])
        }
        const state = stateOf(five[0]!.doc)
        for (const c of five) expect(stateOf(c.doc)).toBe(state)
        // The server's own view agrees with the clients'.
        const json = await statute(server, id)
        expect(json.chapters.flatMap((c) => c.articles.map((a) => a.title))).toEqual(expectedTitles)
        created[index] = { id, state, count, titles: expectedTitles }
      }),
    )
    for (const { id, ...rest } of created) seen.set(id, rest)
    expect(seen.size).toBe(3)
    expect(created.map((s) => s.count)).toEqual([
      defaultChoice(themes).themes.reduce((n, t) => n + t.articles.length, 0),
      themes.reduce((n, t) => n + t.articles.length, 0),
      3,
    ])
  })

  it('after a server restart fresh clients see the same documents (six at once, on statutes not loaded yet)', async () => {
    expect(seen.size).toBe(3)
    closeClients()
    server = await server.restart()
    for (const [id, before] of seen) {
      expect(server.rooms.openRooms.has(id)).toBe(false)
      const six = [0, 1, 2, 3, 4, 5].map(() => client(server, id))
      await Promise.all(six.map((c) => synced(c)))
      for (const c of six) {
        expect(stateOf(c.doc)).toBe(before.state)
        expect(readOutline(c.doc).chapters.flatMap((ch) => ch.articles.map((a) => a.title))).toEqual(before.titles)
      }
    }
  })
})
