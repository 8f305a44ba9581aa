/**
 * Makes docs/screenshot.png for the README: a real server on a temporary data directory, a small
 * statute, and two people typing in two browser contexts.
 */
import * as Y from 'yjs'
import { addArticle, addChapter, articleFragment, readOutline, renameArticle } from '../model/statuteDoc.js'
import { richTextFromParagraphs, writeRichText, type RichTextDoc } from '../model/richText.js'
import { ensureClientBuilt } from '../test/helpers/buildClient.js'
import { launchBrowser, signedInContext } from '../test/helpers/browser.js'
import { addMember, createStatute, createTestUser, startTestServer } from '../test/helpers/server.js'
import { connectClient, synced } from '../test/helpers/clients.js'

const leden = (items: string[]): RichTextDoc => ({
  type: 'doc',
  content: [{ type: 'orderedList', attrs: { start: 1 }, content: items.map((text) => ({ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] })) }],
})

ensureClientBuilt()
const server = await startTestServer({ roomIdleMs: 60_000 })
const id = await createStatute(server, 'Statuut samenwerking raad, college en griffie', 'Gemeente Oss')
const client = connectClient(server.wsUrl, id, { name: 'seed' })
await synced(client)
const doc = client.doc
const first = readOutline(doc).chapters[0]!
renameArticle(doc, first.articles[0]!.id, 'Doel en reikwijdte')
addArticle(doc, first.id, { title: 'Gedeelde waarden', body: richTextFromParagraphs(['Raad, college en griffie werken samen vanuit vertrouwen, openheid en respect voor elkaars rol.']) })
const info = addChapter(doc, { title: 'Informatievoorziening' })
addArticle(doc, info, {
  title: 'Actieve informatieplicht',
  body: leden([
    'Het college geeft de raad uit eigen beweging alle inlichtingen die de raad nodig heeft voor zijn taak (artikel 169 Gemeentewet).',
    'Het college informeert de raad tijdig, volledig en in begrijpelijke taal.',
  ]),
})
addArticle(doc, info, { title: 'Technische vragen', body: richTextFromParagraphs(['Een raadslid kan technische vragen stellen via de griffie. Het antwoord volgt binnen vijf werkdagen.']) })
const body = articleFragment(doc, readOutline(doc).chapters[1]!.articles[1]!.id, 'body')!
writeRichText(body, { type: 'doc', content: [] })
await new Promise((r) => setTimeout(r, 500))

const browser = await launchBrowser()
const pages = []
for (const [name, party] of [['Anna de Vries', 'Griffie'], ['Bram Jansen', 'College']] as const) {
  const person = await createTestUser(server, name)
  await addMember(server, id, person, 'redacteur', party, true)
  const context = await signedInContext(browser, server, person, { viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 })
  const page = await context.newPage()
  await page.goto(`${server.url}/statuten/${id}`)
  await page.getByRole('textbox', { name: 'Tekst van artikel 3' }).waitFor()
  pages.push(page)
}
const [a, b] = pages as [typeof pages[0], typeof pages[0]]
await b.getByRole('textbox', { name: 'Tekst van artikel 3' }).click()
await b.keyboard.press('Control+End')
await b.keyboard.press('Enter')
await b.keyboard.type('Vertrouwelijke informatie')
await a.getByRole('textbox', { name: 'Tekst van artikel 4' }).click()
await a.keyboard.press('Control+End')
await a.keyboard.type(' Bij complexe vragen meldt de griffie')
await a.waitForTimeout(800)
await a.evaluate(() => window.scrollTo(0, 0))
await a.waitForTimeout(200)
await a.screenshot({ path: 'docs/screenshot.png' })
await browser.close()
client.destroy()
await server.close()
console.log('docs/screenshot.png written')
