/**
 * Dependency direction, checked on the source: client/ → model/ ← server/. The model imports only
 * yjs, fractional-indexing and itself, so it runs unchanged in the browser and on the server.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
}

function importsOf(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8')
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '')
}

function resolvesInto(file: string, specifier: string, folder: string): boolean {
  if (!specifier.startsWith('.')) return false
  const target = path.resolve(path.dirname(file), specifier)
  return target.startsWith(path.resolve(folder) + path.sep)
}

describe('layering', () => {
  it('the client never imports server code', () => {
    const offenders = sourceFiles('client').flatMap((f) => importsOf(f).filter((s) => resolvesInto(f, s, 'server')).map((s) => `${f}: ${s}`))
    expect(offenders).toEqual([])
  })

  it('the server never imports client code', () => {
    const offenders = sourceFiles('server').flatMap((f) => importsOf(f).filter((s) => resolvesInto(f, s, 'client')).map((s) => `${f}: ${s}`))
    expect(offenders).toEqual([])
  })

  it('the model imports only yjs, lib0 (SHA-256), fractional-indexing and itself', () => {
    const allowed = new Set(['yjs', 'fractional-indexing', 'lib0/hash/sha256'])
    const files = sourceFiles('model').filter((f) => !f.endsWith('.test.ts'))
    expect(files.length).toBeGreaterThan(3)
    const offenders = files.flatMap((f) =>
      importsOf(f)
        .filter((s) => (s.startsWith('.') ? !resolvesInto(f, s, 'model') : !allowed.has(s)))
        .map((s) => `${f}: ${s}`),
    )
    expect(offenders).toEqual([])
  })
})
