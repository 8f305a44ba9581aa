/**
 * End-to-end: composing a statute with the "Nieuw statuut" wizard, inserting a clause from the
 * library, and seeing whether an article still equals its model text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { api, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'


describe('model clauses in the browser', () => {
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

  it('composes a provincial statute with the wizard, inserts a clause and shows changes against the model', async () => {
    const griffier = await createTestUser(server, 'Petra Statengriffier')
    const context = await signedInContext(browser, server, griffier, { viewport: { width: 1500, height: 1000 } })
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}/nieuw`)
      // Step 1
      await page.getByLabel('Titel').fill('Statuut samenwerking Staten, GS en statengriffie')
      await page.getByLabel('Organisatie').fill('Provincie Gelderland')
      await page.getByLabel('Soort overheid').selectOption('provincie')
      expect(await axeViolations(page)).toEqual([])
      await page.getByRole('button', { name: 'Volgende' }).click()
      // Step 2: defaults are ticked; choose the strict variant and drop one theme entirely.
      await page.getByRole('heading', { name: /Stap 2 van 4/ }).waitFor()
      expect(await page.getByRole('checkbox', { name: 'Actieve informatieplicht' }).isChecked()).toBe(true)
      await page.getByRole('radio', { name: /Strikte variant/ }).first().check()
      await page.getByRole('checkbox', { name: 'Alle artikelen over Participatie' }).uncheck()
      expect(await axeViolations(page)).toEqual([])
      await page.getByRole('button', { name: 'Volgende' }).click()
      // Step 3: a parameter.
      await page.getByLabel('Termijn voor het beantwoorden van technische vragen (werkdagen)').fill('7')
      await page.getByRole('button', { name: 'Volgende' }).click()
      // Step 4: preview, then create.
      await page.getByRole('heading', { name: /Stap 4 van 4/ }).waitFor()
      const create = page.getByRole('button', { name: /Statuut maken met \d+ artikelen/ })
      const count = Number((await create.innerText()).match(/(\d+)/)![1])
      await create.click()
      await page.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true }).waitFor()
      const id = page.url().split('/statuten/')[1]!.split('/')[0]!

      const snapshot = await api<{ chapters: Array<{ title: string; articles: Array<{ title: string; body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${id}`, undefined, { token: griffier.token })
      const articles = snapshot.body.chapters.flatMap((c) => c.articles)
      expect(articles).toHaveLength(count)
      expect(snapshot.body.chapters.map((c) => c.title)).not.toContain('Participatie')
      const technical = articles.find((a) => a.title === 'Technische vragen')!
      expect(technical.body.text).toContain('7 werkdagen')
      expect(technical.body.text).toContain('registreert')
      expect(articles.find((a) => a.title === 'Actieve informatieplicht')!.body.text).toContain('artikel 167 van de Provinciewet')

      // The article still equals its model text.
      await page.locator('article').first().getByText('gelijk aan de modeltekst').waitFor()

      // Insert a clause from the library into the last chapter.
      await page.getByRole('button', { name: 'Modelbepalingen' }).click()
      await page.getByLabel('Zoeken in modelbepalingen').fill('participatieverordening')
      await page.getByRole('complementary').getByRole('button', { name: /Participatieverordening/ }).first().click()
      expect(await axeViolations(page)).toEqual([])
      await page.getByRole('button', { name: /^‘.*’ invoegen$/ }).click()
      await expect
        .poll(async () => (await api<{ chapters: Array<{ articles: Array<{ title: string }> }> }>(server, 'GET', `/api/statutes/${id}`, undefined, { token: griffier.token })).body.chapters.flatMap((c) => c.articles).length)
        .toBe(count + 1)

      // Change the text of an article: it is marked as changed, and the difference shows.
      const body = page.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true })
      await body.click()
      await page.keyboard.press('Control+End')
      await page.keyboard.type(' Eigen aanvulling.')
      const article1 = page.locator('article').first()
      await article1.getByText('aangepast ten opzichte van de modeltekst').waitFor()
      await article1.getByRole('button', { name: 'Verschil met de modeltekst tonen' }).click()
      await expect.poll(() => article1.locator('ins').allInnerTexts()).toContainEqual(expect.stringContaining('Eigen'))
    } finally {
      await context.close()
    }
  })
})
