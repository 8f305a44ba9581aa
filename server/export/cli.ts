/**
 * `npm run export -- <statute-id> <file.docx> [--version N] [--no-comments] [--no-agreements]
 * [--no-toelichting]`: the same export as the HTTP route, straight from storage (PostgreSQL when
 * DATABASE_URL is set, else the data directory DATA_DIR), without a running server.
 */
import fs from 'node:fs'
import { loadConfig } from '../config.js'
import { openStorage } from '../storage/openStorage.js'
import { docFromUpdates } from '../collaboration/docState.js'
import { buildExportInput } from './exportInput.js'
import { exportDocx } from './exportDocx.js'

const args = process.argv.slice(2)
const [statuteId, file] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--version')
if (!statuteId || !file) {
  process.stderr.write('Gebruik: npm run export -- <statuut-id> <bestand.docx> [--version N] [--no-comments] [--no-agreements] [--no-toelichting]\n')
  process.exit(2)
}
const versionIndex = args.indexOf('--version')
const versionNumber = versionIndex >= 0 ? Number(args[versionIndex + 1]) : undefined

const config = loadConfig()
const store = openStorage(config)
try {
  await store.migrate()
  let updates: readonly Uint8Array[]
  let version: Awaited<ReturnType<typeof store.agreements.getVersion>>
  if (versionNumber !== undefined) {
    version = await store.agreements.getVersion(statuteId, versionNumber)
    if (!version) throw new Error(`Versie ${versionNumber} van statuut ${statuteId} bestaat niet.`)
    updates = [version.state]
  } else {
    const stored = await store.loadDocument(statuteId)
    if (!stored) throw new Error(`Statuut ${statuteId} bestaat niet in ${config.databaseUrl ? `schema ${config.databaseSchema} van de database` : config.dataDir}.`)
    updates = stored.updates
  }
  const doc = docFromUpdates(updates)
  const input = await buildExportInput(store, statuteId, doc, version)
  const bytes = await exportDocx(input, { comments: !args.includes('--no-comments'), agreements: !args.includes('--no-agreements'), toelichting: !args.includes('--no-toelichting') })
  fs.writeFileSync(file, bytes)
  process.stdout.write(`${file}: ${bytes.byteLength} bytes, ${input.statute.chapters.reduce((n, c) => n + c.articles.length, 0)} artikelen\n`)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
} finally {
  await store.close()
}
