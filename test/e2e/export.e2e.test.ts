/**
 * End-to-end: the export dialog downloads a Word file of the statute; the dialog passes axe.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import mammoth from 'mammoth'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'

describe('export in the browser', () => {
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

  it('downloads the statute as a Word file from the export dialog', async () => {
    const griffier = await createTestUser(server, 'Els Export')
    const id = await createStatute(server, 'Statuut om te exporteren', 'Gemeente Raalte', { token: griffier.token })
    const context = await signedInContext(browser, server, griffier)
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}/statuten/${id}`)
      await page.getByRole('button', { name: 'Exporteren naar Word' }).click()
      const dialog = page.getByRole('dialog', { name: 'Exporteren naar Word' })
      await dialog.waitFor()
      expect(await axeViolations(page)).toEqual([])
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Downloaden' }).click()])
      expect(download.suggestedFilename()).toBe('Statuut-om-te-exporteren-concept.docx')
      const file = await download.path()
      const { value: html } = await mammoth.convertToHtml({ buffer: fs.readFileSync(file) })
      expect(html).toContain('<h2>Artikel 1 Doel</h2>')
      await dialog.getByText('Statuut-om-te-exporteren-concept.docx is gedownload.').waitFor()
    } finally {
      await context.close()
    }
  })
})
