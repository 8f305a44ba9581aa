/**
 * Makes docs/screenshot.png for the README: a real server on a temporary data directory, a small
 * statute, and two people typing in two browser contexts.
 */
import { ensureClientBuilt } from '../test/helpers/buildClient.js'
import { launchBrowser, signedInContext } from '../test/helpers/browser.js'
import { addMember, api, createTestUser, startTestServer } from '../test/helpers/server.js'
import { defaultChoice } from '../model/templates.js'

ensureClientBuilt()
const server = await startTestServer({ roomIdleMs: 60_000 })
// A statute composed from the model clauses, as the wizard does.
const created = await api<{ id: string }>(server, 'POST', '/api/statutes', {
  title: 'Statuut samenwerking raad, college en griffie',
  organisation: 'Gemeente Oss',
  bodyType: 'gemeente',
  templates: defaultChoice(server.templates.themes),
})
const id = created.body.id

const browser = await launchBrowser()
const pages = []
for (const [name, party] of [['Anna de Vries', 'Griffie'], ['Bram Jansen', 'College']] as const) {
  const person = await createTestUser(server, name)
  await addMember(server, id, person, 'redacteur', party, true)
  const context = await signedInContext(browser, server, person, { viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 })
  const page = await context.newPage()
  await page.goto(`${server.url}/statuten/${id}`)
  await page.getByRole('textbox', { name: 'Tekst van artikel 3', exact: true }).waitFor()
  pages.push(page)
}
const [a, b] = pages as [typeof pages[0], typeof pages[0]]
await b.getByRole('textbox', { name: 'Tekst van artikel 3', exact: true }).click()
await b.keyboard.press('Control+End')
await b.keyboard.type(' Dit geldt ook voor ')
await a.getByRole('textbox', { name: 'Tekst van artikel 2', exact: true }).click()
await a.keyboard.press('Control+End')
await a.keyboard.type(' Wij spreken elkaar daarop aan')
await a.waitForTimeout(800)
await a.evaluate(() => window.scrollTo(0, 0))
await a.waitForTimeout(200)
await a.screenshot({ path: 'docs/screenshot.png' })
await browser.close()
await server.close()
console.log('docs/screenshot.png written')
