/**
 * End-to-end: importing a Word file from the statute list. Upload a generated .docx, see the
 * recognised chapters and articles and the report of what was not recognised (no axe violations),
 * fix a title, take the introduction along, create, and land in the editor with the articles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { api, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import { DOCX_TYPE, gedragscodeDocx, oldWordDoc } from '../helpers/docxFixtures.js'

interface StatuteJson {
  readonly title: string
  readonly organisation: string
  readonly me: { role: string }
  readonly chapters: ReadonlyArray<{ title: string; articles: ReadonlyArray<{ label: string; title: string; body: { text: string } }> }>
}

describe('importing a Word document in the browser', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    ensureClientBuilt()
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('uploads a .docx, previews what was recognised and what not, and creates the statute', async () => {
    const griffier = await createTestUser(server, 'Ingrid Importeur')
    const context = await signedInContext(browser, server, griffier)
    try {
      const page = await context.newPage()
      await page.goto(server.url)
      await page.getByRole('link', { name: 'Word-document importeren' }).click()
      await page.getByRole('heading', { level: 1, name: 'Word-document importeren' }).waitFor()

      // An old .doc gets a clear message.
      await page.getByLabel('Word-bestand (.docx)').setInputFiles({ name: 'oud.doc', mimeType: 'application/msword', buffer: oldWordDoc() })
      await page.getByRole('button', { name: 'Bestand inlezen' }).click()
      await page.getByText(/Dit is geen leesbaar Word-bestand \(\.docx\)\. Het lijkt een ouder Word-bestand/).waitFor()

      await page.getByLabel('Word-bestand (.docx)').setInputFiles({ name: 'gedragscode.docx', mimeType: DOCX_TYPE, buffer: await gedragscodeDocx() })
      await page.getByRole('button', { name: 'Bestand inlezen' }).click()
      await page.getByRole('heading', { level: 2, name: 'Voorbeeld: gedragscode.docx' }).waitFor()
      // The summary is announced.
      await expect.poll(() => page.getByRole('status').first().innerText()).toBe('gedragscode.docx is gelezen: 2 hoofdstukken en 3 artikelen herkend. 5 delen zijn niet herkend.')
      // Focus moved to the preview.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Voorbeeld: gedragscode.docx')

      // Recognised, numbered as they will be.
      expect(await page.getByRole('textbox', { name: 'Titel', exact: true }).inputValue()).toBe('Gedragscode raad en college')
      expect(await page.getByRole('heading', { level: 4 }).allInnerTexts()).toEqual(['Hoofdstuk 1 Algemeen', 'Hoofdstuk 2 Informatie'])
      expect(await page.getByRole('textbox', { name: 'Titel van artikel 1' }).inputValue()).toBe('Begrippen')
      expect(await page.getByRole('textbox', { name: 'Titel van artikel 2' }).inputValue()).toBe('Doel')
      expect(await page.getByRole('textbox', { name: 'Titel van artikel 3' }).inputValue()).toBe('Actieve informatie')
      await page.getByText('Tekst van artikel 1 bekijken').click()
      await page.getByText('de plaatsvervangend griffier.').waitFor()

      // What was not recognised, with the reason.
      await page.getByRole('heading', { level: 3, name: 'Niet herkend (5)' }).waitFor()
      const report = page.locator('.import-unrecognised > li')
      expect(await report.allInnerTexts()).toEqual([
        'Tekst vóór het eerste hoofdstuk of artikel\nDe raad van de gemeente Testdorp besluit vast te stellen:',
        'Tabel (in artikel 2)\nSoort vraag | Termijn\nTechnische vraag | 5 werkdagen',
        'Afbeelding (in artikel 2)\nLogo van Testdorp',
        'Tekst in een hoofdstuk vóór het eerste artikel (in hoofdstuk 2)\nDit hoofdstuk gaat over informatie.',
        'Voetnoot\n[1] Zie de Gemeentewet, artikel 169.',
      ])
      expect(await axeViolations(page)).toEqual([])

      // Review: details, a chapter title, and the introduction as a first article.
      await page.getByRole('textbox', { name: 'Organisatie' }).fill('Gemeente Testdorp')
      await page.getByRole('textbox', { name: 'Titel van hoofdstuk 1' }).fill('Algemene bepalingen')
      await page.getByRole('checkbox', { name: /als eerste artikel ‘Inleiding’/ }).check()
      expect(await page.getByRole('textbox', { name: 'Titel van artikel 1' }).inputValue()).toBe('Inleiding')
      expect(await page.getByRole('textbox', { name: 'Titel van artikel 4' }).inputValue()).toBe('Actieve informatie')
      await expect.poll(() => report.first().innerText()).toContain('wordt artikel 1 ‘Inleiding’')
      expect(await axeViolations(page)).toEqual([])

      await page.getByRole('button', { name: 'Statuut maken' }).click()
      await page.getByRole('textbox', { name: 'Tekst van artikel 4', exact: true }).waitFor()
      const id = page.url().split('/statuten/')[1]!.split('/')[0]!
      await page.getByText('Het college informeert de raad tijdig.').first().waitFor()

      const { body } = await api<StatuteJson>(server, 'GET', `/api/statutes/${id}`, undefined, { token: griffier.token })
      expect(body.title).toBe('Gedragscode raad en college')
      expect(body.organisation).toBe('Gemeente Testdorp')
      expect(body.me.role).toBe('beheerder')
      expect(body.chapters.map((c) => c.title)).toEqual(['Algemene bepalingen', 'Informatie'])
      expect(body.chapters.flatMap((c) => c.articles.map((a) => `${a.label} ${a.title}`))).toEqual(['Artikel 1 Inleiding', 'Artikel 2 Begrippen', 'Artikel 3 Doel', 'Artikel 4 Actieve informatie'])
      expect(body.chapters[0]!.articles[0]!.body.text).toBe('De raad van de gemeente Testdorp besluit vast te stellen:')
      expect(body.chapters[0]!.articles[1]!.body.text).toContain('3. griffie: de griffie met:\n  a. de griffier;\n  b. de plaatsvervangend griffier.')
    } finally {
      await context.close()
    }
  })
})
