/**
 * End-to-end: a councillor (commentator, read-only text) comments on a passage in one browser
 * context; the griffier sees it live in another, with the passage highlighted, and resolves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'


describe('comments in the browser', () => {
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

  it('a councillor comments on a passage; the griffier sees it live and resolves it', async () => {
    const griffier = await createTestUser(server, 'Gerda Griffier')
    const raadslid = await createTestUser(server, 'Roel Raadslid')
    const id = await createStatute(server, 'Statuut met reacties', 'Gemeente Tiel', { token: griffier.token })
    await addMember(server, id, raadslid, 'commentator', 'Raad')
    const councillor = await signedInContext(browser, server, raadslid)
    const clerk = await signedInContext(browser, server, griffier)
    try {
      const pageG = await clerk.newPage()
      await pageG.goto(`${server.url}/statuten/${id}`)
      await pageG.getByRole('button', { name: /Reacties \(0 open\)/ }).waitFor()

      const pageR = await councillor.newPage()
      await pageR.goto(`${server.url}/statuten/${id}`)
      const body = pageR.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true })
      await body.waitFor()
      // Select the word "samenwerken" in the (read-only) text with the keyboard: the caret is put
      // before the word, then Shift+ArrowRight selects it letter by letter.
      await body.focus()
      await body.evaluate((element) => {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent?.indexOf('samenwerken') ?? -1
          if (at >= 0) {
            const range = document.createRange()
            range.setStart(node, at)
            range.collapse(true)
            const selection = window.getSelection()!
            selection.removeAllRanges()
            selection.addRange(range)
            return
          }
        }
        throw new Error('word not found')
      })
      for (let i = 0; i < 'samenwerken'.length; i += 1) await pageR.keyboard.press('Shift+ArrowRight')
      expect(await pageR.evaluate(() => window.getSelection()?.toString())).toBe('samenwerken')
      // And on, by keyboard too.
      await pageR.getByRole('button', { name: /Reacties \(0 open\)/ }).focus()
      await pageR.keyboard.press('Enter')
      await pageR.getByRole('button', { name: 'Geselecteerde tekst gebruiken' }).focus()
      await pageR.keyboard.press('Enter')
      await pageR.getByText('Over: “samenwerken”').first().waitFor()
      await pageR.getByLabel('Nieuwe reactie').fill('Wie bedoelen we precies met samenwerken?')
      await pageR.getByRole('button', { name: 'Reactie plaatsen' }).click()
      await pageR.getByText('Wie bedoelen we precies met samenwerken?').waitFor()
      expect(await axeViolations(pageR)).toEqual([])

      // Live at the griffier: the count, the highlighted passage, the thread.
      const toggle = pageG.getByRole('button', { name: /Reacties \(1 open\)/ })
      await toggle.waitFor()
      expect(await pageG.locator('.comment-passage').first().innerText()).toBe('samenwerken')
      await toggle.click()
      const thread = pageG.getByRole('article', { name: 'Over: “samenwerken”' })
      await thread.getByText('Wie bedoelen we precies met samenwerken?').waitFor()
      await thread.getByRole('button', { name: 'Afhandelen' }).click()
      // The councillor sees it resolved, without reloading.
      await pageR.getByText('afgehandeld').first().waitFor()
      const threads = await api<{ threads: Array<{ status: string; quote: string; comments: Array<{ body: string }> }> }>(server, 'GET', `/api/statutes/${id}/threads`, undefined, { token: griffier.token })
      expect(threads.body.threads).toHaveLength(1)
      expect(threads.body.threads[0]).toMatchObject({ status: 'resolved', quote: 'samenwerken' })
    } finally {
      await councillor.close()
      await clerk.close()
    }
  })
})
