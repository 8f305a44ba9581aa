/**
 * End-to-end: signing in, the read-only editor of a commentator, presence with role and party,
 * inviting someone through the members page, and axe on the sign-in and members pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt } from '../helpers/buildClient.js'
import { axeViolations, launchBrowser, signedInContext } from '../helpers/browser.js'
import { addMember, api, createStatute, createTestUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js'



describe('people, roles and access in the browser', () => {
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

  it('signs in through the form; the page passes axe', async () => {
    const person = await createTestUser(server, 'Gijs Griffier')
    const id = await createStatute(server, 'Statuut van Gijs', 'Gemeente Tiel', { token: person.token })
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(server.url)
      await page.getByRole('heading', { name: 'Aanmelden' }).waitFor()
      expect(await axeViolations(page)).toEqual([])
      await page.getByLabel('E-mailadres').fill(person.user.email)
      await page.getByLabel('Wachtwoord').fill('fout wachtwoord!')
      await page.getByRole('button', { name: 'Aanmelden' }).click()
      await page.getByText('Het e-mailadres of het wachtwoord klopt niet.').waitFor()
      await page.getByLabel('Wachtwoord').fill(TEST_PASSWORD)
      await page.getByRole('button', { name: 'Aanmelden' }).click()
      await page.getByRole('link', { name: 'Statuut van Gijs' }).click()
      await expect.poll(() => page.url()).toContain(`/statuten/${id}`)
      await page.getByRole('button', { name: 'Afmelden' }).click()
      await page.getByRole('heading', { name: 'Aanmelden' }).waitFor()
    } finally {
      await context.close()
    }
  })

  it('a commentator sees the text read-only, live, and presence shows role and party', async () => {
    const id = await createStatute(server, 'Statuut met commentator')
    const redacteur = await createTestUser(server, 'Rik Redacteur')
    const commentator = await createTestUser(server, 'Carla Commentator')
    await addMember(server, id, redacteur, 'redacteur', 'College')
    await addMember(server, id, commentator, 'commentator', 'Raad')
    const writer = await signedInContext(browser, server, redacteur)
    const reader = await signedInContext(browser, server, commentator)
    try {
      const pageW = await writer.newPage()
      const pageR = await reader.newPage()
      await pageW.goto(`${server.url}/statuten/${id}`)
      await pageR.goto(`${server.url}/statuten/${id}`)
      const bodyR = pageR.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true })
      await bodyR.waitFor()
      await pageR.getByTestId('read-only').waitFor()
      // Focusable and selectable by keyboard, announced as read-only.
      expect(await bodyR.getAttribute('aria-readonly')).toBe('true')
      expect(await pageR.getByRole('toolbar').count()).toBe(0)
      expect(await pageR.getByRole('button', { name: 'Artikel toevoegen' }).count()).toBe(0)
      expect(await pageR.getByLabel('Titel van artikel 1').getAttribute('readonly')).not.toBeNull()
      // Typing, deleting, splitting and pasting do nothing.
      const before = await bodyR.innerText()
      await bodyR.click()
      await pageR.keyboard.type('Dit mag niet')
      for (const key of ['Backspace', 'Delete', 'Enter', 'Control+X', 'Control+V', 'Control+B']) await pageR.keyboard.press(key)
      await pageR.keyboard.press('Shift+ArrowRight')
      await pageR.keyboard.press('Backspace')
      expect(await bodyR.innerText()).toBe(before)
      // The redacteur's edits arrive live.
      const bodyW = pageW.getByRole('textbox', { name: 'Tekst van artikel 1', exact: true })
      await bodyW.click()
      await pageW.keyboard.press('Control+End')
      await pageW.keyboard.type(' Door de redacteur.')
      await expect.poll(() => bodyR.innerText()).toContain('Door de redacteur.')
      expect(await bodyR.innerText()).not.toContain('Dit mag niet')
      // Presence, as vouched for by the server: names, roles and parties.
      await expect.poll(() => pageW.getByTestId('presence-list').innerText()).toContain('Carla Commentator')
      expect(await pageW.getByTestId('presence-list').innerText()).toContain('Commentator, Raad')
      const snapshot = await api<{ chapters: Array<{ articles: Array<{ body: { text: string } }> }> }>(server, 'GET', `/api/statutes/${id}`)
      expect(snapshot.body.chapters[0]!.articles[0]!.body.text).not.toContain('Dit mag niet')
    } finally {
      await writer.close()
      await reader.close()
    }
  })

  it('a beheerder invites someone; the link creates the account and opens the statute; pages pass axe', async () => {
    const beheerder = await createTestUser(server, 'Bea Beheerder')
    const id = await createStatute(server, 'Statuut met uitnodiging', 'Gemeente Raalte', { token: beheerder.token })
    const context = await signedInContext(browser, server, beheerder)
    const guest = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${server.url}/statuten/${id}/leden`)
      await page.getByRole('heading', { name: 'Iemand uitnodigen' }).waitFor()
      await page.getByLabel('E-mailadres').fill('nieuw.raadslid@raalte.example')
      await page.getByLabel('Rol', { exact: true }).selectOption('commentator')
      await page.getByLabel('Partij', { exact: true }).selectOption({ label: 'Raad' })
      await page.getByRole('button', { name: 'Uitnodiging maken' }).click()
      const link = await page.getByTestId('invitation-link').innerText()
      expect(link).toContain('/uitnodiging/')
      expect(await axeViolations(page)).toEqual([])

      const guestPage = await guest.newPage()
      await guestPage.goto(link)
      await guestPage.getByText('als Commentator namens Raad').waitFor()
      expect(await axeViolations(guestPage)).toEqual([])
      await guestPage.getByLabel('Naam').fill('Nina Nieuw')
      await guestPage.getByLabel('Wachtwoord').fill('een goed wachtwoord')
      await guestPage.getByRole('button', { name: 'Uitnodiging aannemen' }).click()
      await guestPage.getByTestId('read-only').waitFor()
      await expect.poll(() => guestPage.url()).toContain(`/statuten/${id}`)

      await page.reload()
      await page.getByRole('rowheader', { name: 'Nina Nieuw' }).waitFor()
      // The link works once.
      const again = await api(server, 'GET', `/api/invitations/${link.split('/uitnodiging/')[1]}`, undefined, { token: null })
      expect(again.status).toBe(410)
    } finally {
      await context.close()
      await guest.close()
    }
  })
})
