/**
 * End-to-end: two parties agree to an article in two browser contexts while a third person
 * watches the overview matrix update live; a later text change makes both agreements outdated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { addMember, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'


describe('agreement in the browser', () => {
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

  it('two parties agree in two browsers and the matrix updates live; an edit makes them outdated', async () => {
    const griffier = await createTestUser(server, 'Greet Griffier')
    const wethouder = await createTestUser(server, 'Wout Wethouder')
    const fractie = await createTestUser(server, 'Fenna Fractievoorzitter')
    const id = await createStatute(server, 'Statuut instemming', 'Gemeente Asten', { token: griffier.token })
    await addMember(server, id, wethouder, 'redacteur', 'College', true)
    await addMember(server, id, fractie, 'commentator', 'Raad', true)
    const watcher = await signedInContext(browser, server, griffier)
    const college = await signedInContext(browser, server, wethouder)
    const raad = await signedInContext(browser, server, fractie)
    try {
      const matrix = await watcher.newPage()
      await matrix.goto(`${server.url}/statuten/${id}/instemming`)
      const cell = (party: string) => matrix.locator(`td[data-party="${party}"]`).first()
      await expect.poll(() => cell('College').getAttribute('data-state')).toBe('open')
      expect(await axeViolations(matrix)).toEqual([])

      const pageC = await college.newPage()
      await pageC.goto(`${server.url}/statuten/${id}`)
      await pageC.getByRole('button', { name: 'Akkoord namens College', exact: true }).click()
      await pageC.getByText('Akkoord namens College vastgelegd.').waitFor()
      await expect.poll(() => cell('College').getAttribute('data-state')).toBe('akkoord')

      const pageR = await raad.newPage()
      await pageR.goto(`${server.url}/statuten/${id}`)
      await pageR.getByRole('button', { name: 'Niet akkoord namens Raad…' }).click()
      await pageR.getByLabel('Waarom niet akkoord?').fill('De termijn is te kort voor de fracties.')
      await pageR.getByRole('button', { name: 'Bezwaar vastleggen' }).click()
      await expect.poll(() => cell('Raad').getAttribute('data-state')).toBe('niet-akkoord')
      await pageR.getByRole('button', { name: 'Akkoord namens Raad', exact: true }).click()
      await expect.poll(() => cell('Raad').getAttribute('data-state')).toBe('akkoord')
      expect(await matrix.getByTestId('progress-Raad').innerText()).toBe('1 van 1 artikelen akkoord')

      // The wethouder changes the text: both agreements become outdated, in the editor at once
      // and in the watcher's matrix live.
      const body = pageC.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true })
      await body.click()
      await pageC.keyboard.press('Control+End')
      await pageC.keyboard.type(' Met een wijziging.')
      await expect.poll(() => pageR.locator('[data-party="College"][data-state]').first().getAttribute('data-state')).toBe('verouderd')
      await expect.poll(() => cell('Raad').getAttribute('data-state'), { timeout: 15_000 }).toBe('verouderd')
      await expect.poll(() => cell('College').getAttribute('data-state')).toBe('verouderd')
      // The history shows what changed since the decision.
      await pageR.getByText('Geschiedenis van de instemming').click()
      await pageR.getByText('Wat is er veranderd sinds dit besluit?').first().click()
      await expect.poll(() => pageR.locator('.agreement-history ins').allInnerTexts()).toContainEqual(expect.stringContaining('wijziging'))
    } finally {
      await watcher.close()
      await college.close()
      await raad.close()
    }
  })
})
