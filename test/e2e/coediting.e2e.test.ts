/**
 * End-to-end: two people in two separate browser contexts co-edit one article, see each other's
 * text, caret and presence; the list and the editor pass axe (WCAG 2.1 A/AA); edits made while
 * the connection is down survive a reload and reach the server when it returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { addMember, api, createStatute, createTestUser, startTestServer, type TestServer } from '../helpers/server.js'
import type { Role } from '../../model/roles.js'

/** A browser context signed in as a new account that is a member of `statuteId`. */
async function personContext(browser: Browser, name: string, statuteId?: string, role: Role = 'redacteur'): Promise<BrowserContext> {
  const person = await createTestUser(server, name)
  if (statuteId) await addMember(server, statuteId, person, role, role === 'commentator' ? 'Raad' : 'College')
  return signedInContext(browser, server, person)
}


function body(page: Page, number = 1) {
  return page.getByRole('textbox', { name: `Tekst van artikel ${number}`, exact: true })
}

let server: TestServer

describe('co-editing in the browser', () => {
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

  it('two people type in the same article and see each other’s text, caret and presence', async () => {
    const id = await createStatute(server, 'Statuut samenwerking', 'Gemeente Oss')
    const anna = await personContext(browser, 'Anna de Griffier', id)
    const bram = await personContext(browser, 'Bram Wethouder', id)
    try {
      const pageA = await anna.newPage()
      const pageB = await bram.newPage()
      await pageA.goto(`${server.url}/statuten/${id}`)
      await pageB.goto(`${server.url}/statuten/${id}`)
      for (const page of [pageA, pageB]) await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected')

      await body(pageA).click()
      await pageA.keyboard.press('End')
      await pageA.keyboard.type(' Anna typt hier.')
      await body(pageB).click()
      await pageB.keyboard.press('Control+End')
      await pageB.keyboard.press('Enter')
      await pageB.keyboard.type('Bram voegt een zin toe.')

      await expect.poll(() => body(pageB).innerText()).toContain('Anna typt hier.')
      await expect.poll(() => body(pageA).innerText()).toContain('Bram voegt een zin toe.')
      // Each sees the other's caret, labelled with the other's name.
      await expect.poll(() => pageA.locator('.collaboration-carets__label').allInnerTexts()).toContain('Bram Wethouder')
      await pageA.keyboard.type('!')
      await expect.poll(() => pageB.locator('.collaboration-carets__label').allInnerTexts()).toContain('Anna de Griffier')
      // Presence lists both, with the real names.
      await expect.poll(() => pageA.getByTestId('presence-list').innerText()).toContain('Bram Wethouder')
      await expect.poll(() => pageB.getByTestId('presence-list').innerText()).toContain('Anna de Griffier')

      // The server has both edits (the API reads the live, stored document).
      await expect
        .poll(async () => (await api<{ chapters: Array<{ articles: Array<{ body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${id}`)).body.chapters[0]?.articles[0]?.body.text)
        .toMatch(/Anna typt hier\.[\s\S]*Bram voegt een zin toe\./)
    } finally {
      await anna.close()
      await bram.close()
    }
  })

  it('adds and reorders articles; numbers follow the order live in the other browser', async () => {
    const id = await createStatute(server)
    const anna = await personContext(browser, 'Anna', id)
    const bram = await personContext(browser, 'Bram', id)
    try {
      const pageA = await anna.newPage()
      const pageB = await bram.newPage()
      await pageA.goto(`${server.url}/statuten/${id}`)
      await pageB.goto(`${server.url}/statuten/${id}`)
      await pageA.getByRole('button', { name: 'Artikel toevoegen' }).click()
      const newTitle = pageA.getByLabel('Titel van artikel 2')
      await newTitle.fill('Informatievoorziening')
      await expect.poll(() => pageB.getByLabel('Titel van artikel 2').inputValue()).toBe('Informatievoorziening')
      // Move article 2 up with the keyboard: it becomes article 1 for both.
      await pageA.getByRole('button', { name: 'Artikel 2 omhoog' }).focus()
      await pageA.keyboard.press('Enter')
      await expect.poll(() => pageB.getByLabel('Titel van artikel 1').inputValue()).toBe('Informatievoorziening')
      await expect.poll(() => pageB.getByLabel('Titel van artikel 2').inputValue()).toBe('Doel')
      // Undo the move.
      await pageA.getByRole('button', { name: 'Ongedaan maken' }).click()
      await expect.poll(() => pageB.getByLabel('Titel van artikel 1').inputValue()).toBe('Doel')
      // Drag article 2 above article 1 in the outline with the mouse.
      const handle = pageA.getByRole('button', { name: 'Artikel 2 Informatievoorziening verslepen' })
      const target = pageA.getByRole('button', { name: 'Artikel 1 Doel verslepen' })
      const from = (await handle.boundingBox())!
      const to = (await target.boundingBox())!
      await pageA.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
      await pageA.mouse.down()
      await pageA.mouse.move(to.x + to.width / 2, to.y + 2, { steps: 12 })
      await pageA.mouse.move(to.x + to.width / 2, to.y - 4, { steps: 4 })
      await pageA.mouse.up()
      await expect.poll(() => pageB.getByLabel('Titel van artikel 1').inputValue()).toBe('Informatievoorziening')
      // And back with the keyboard: space lifts, arrow down moves, space drops.
      await pageA.getByRole('button', { name: 'Artikel 1 Informatievoorziening verslepen' }).focus()
      // dnd-kit measures positions between key presses, one animation frame at a time.
      for (const key of ['Space', 'ArrowDown', 'Space']) {
        await pageA.keyboard.press(key)
        await pageA.waitForTimeout(200)
      }
      await expect.poll(() => pageB.getByLabel('Titel van artikel 1').inputValue()).toBe('Doel')
      // Delete, then restore from the deleted list.
      await pageA.getByRole('button', { name: 'Artikel 2 verwijderen' }).click()
      await expect.poll(() => pageB.getByLabel('Titel van artikel 2').count()).toBe(0)
      await pageB.getByText('Verwijderd (1)').click()
      await pageB.getByRole('button', { name: 'Informatievoorziening terugzetten' }).click()
      await expect.poll(() => pageA.getByLabel('Titel van artikel 2').inputValue()).toBe('Informatievoorziening')
    } finally {
      await anna.close()
      await bram.close()
    }
  })

  it('tells the person typing when someone else deletes the article, and keeps the text', async () => {
    const id = await createStatute(server)
    const anna = await personContext(browser, 'Anna', id)
    const bram = await personContext(browser, 'Bram', id)
    try {
      const pageA = await anna.newPage()
      const pageB = await bram.newPage()
      await pageA.goto(`${server.url}/statuten/${id}`)
      await pageB.goto(`${server.url}/statuten/${id}`)
      await body(pageA).click()
      await pageA.keyboard.press('Control+End')
      await pageA.keyboard.type(' Nog een zin van Anna.')
      await expect.poll(() => body(pageB).innerText()).toContain('Nog een zin van Anna.')
      await pageB.getByRole('button', { name: 'Artikel 1 verwijderen' }).click()
      const alert = pageA.getByRole('alert').filter({ hasText: 'verwijderd terwijl u erin werkte' })
      await alert.waitFor()
      await alert.getByRole('button', { name: 'Doel terugzetten' }).click()
      await expect.poll(() => body(pageB).innerText()).toContain('Nog een zin van Anna.')
    } finally {
      await anna.close()
      await bram.close()
    }
  })

  it('keeps edits made while disconnected across a reload and syncs them when the connection returns', async () => {
    const id = await createStatute(server)
    const context = await personContext(browser, 'Carla', id)
    try {
      let blocked = true
      await context.routeWebSocket(/\/collab\//, (ws) => {
        if (blocked) ws.close({ code: 1011, reason: 'blocked by test' })
        else ws.connectToServer()
      })
      const page = await context.newPage()
      blocked = false
      await page.goto(`${server.url}/statuten/${id}`)
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected')
      // Rights loaded (editable) before the connection is cut.
      await expect.poll(() => body(page).getAttribute('aria-readonly')).toBeNull()
      // Cut the connection: the route refuses new sockets, and the server restart drops the old one.
      blocked = true
      server = await server.restart()
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).not.toBe('connected')
      const storedUpdates = (): Promise<number> =>
        page.evaluate(
          (name) =>
            new Promise<number>((resolve, reject) => {
              const request = indexedDB.open(name)
              request.onerror = () => reject(request.error)
              request.onsuccess = () => {
                const db = request.result
                const count = db.transaction('updates').objectStore('updates').count()
                count.onsuccess = () => {
                  resolve(count.result)
                  db.close()
                }
              }
            }),
          `samenspel:${id}`,
        )
      const before = await storedUpdates()
      await expect.poll(() => body(page).getAttribute('aria-readonly'), { timeout: 20_000 }).toBeNull()
      await body(page).click()
      await page.keyboard.press('Control+End')
      await page.keyboard.type(' Offline geschreven.')
      await expect.poll(() => body(page).innerText()).toContain('Offline geschreven.')
      // y-indexeddb writes asynchronously: reload only once the edit is in the browser's database.
      await expect.poll(storedUpdates, { timeout: 15_000 }).toBeGreaterThan(before)
      await page.reload()
      await expect.poll(() => body(page).innerText()).toContain('Offline geschreven.')
      blocked = false
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('connected')
      await expect
        .poll(async () => (await api<{ chapters: Array<{ articles: Array<{ body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${id}`)).body.chapters[0]?.articles[0]?.body.text)
        .toContain('Offline geschreven.')
    } finally {
      await context.close()
    }
  })

  it('opens at the article of a shared link', async () => {
    const id = await createStatute(server)
    const snapshot = await api<{ chapters: Array<{ articles: Array<{ id: string }> }> }>(server, 'GET', `/api/statutes/${id}`)
    const articleId = snapshot.body.chapters[0]!.articles[0]!.id
    const context = await personContext(browser, 'Dirk', id)
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}/statuten/${id}/artikel/${articleId}`)
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`artikel-${articleId}`)
    } finally {
      await context.close()
    }
  })

  it('the statute list and the editor pass axe (WCAG 2.1 A and AA)', async () => {
    const id = await createStatute(server, 'Toegankelijk statuut', 'Gemeente Ermelo')
    const context = await personContext(browser, 'Eva', id)
    try {
      const page = await context.newPage()
      await page.goto(server.url)
      await page.getByText('Toegankelijk statuut').waitFor()
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('nl')
      expect(await axeViolations(page)).toEqual([])
      await page.goto(`${server.url}/statuten/${id}`)
      await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected')
      await body(page).waitFor()
      // No keyboard trap: Escape leaves the text and puts focus on the article.
      await body(page).click()
      await page.keyboard.press('Escape')
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('ARTICLE')
      // Alt+F10 from the text goes to the toolbar.
      await body(page).click()
      await page.keyboard.press('Alt+F10')
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Vet')
      await page.getByRole('button', { name: 'Toelichting tonen' }).click()
      expect(await axeViolations(page)).toEqual([])
      // English: the interface and <html lang> follow the choice.
      await page.getByLabel('Taal').selectOption('en')
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
      await page.getByRole('button', { name: 'Add article' }).waitFor()
      expect(await axeViolations(page)).toEqual([])
    } finally {
      await context.close()
    }
  })
})
