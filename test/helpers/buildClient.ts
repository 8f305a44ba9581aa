/**
 * Builds the client once before the tests when end-to-end tests are part of the run and the
 * build is missing or older than the client sources.
 */
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

export function ensureClientBuilt(): void {
  const index = path.resolve('dist/client/index.html')
  const sources = Math.max(newestMtime(path.resolve('client')), newestMtime(path.resolve('model')))
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
}
