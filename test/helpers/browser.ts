/**
 * Debian's Chromium driven by playwright-core (no browser downloads on these machines). Playwright
 * gives every launch a fresh profile directory of its own.
 */
import fs from 'node:fs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import type { TestUser } from './server.js'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH)
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A new browser context (its own cookies and storage) signed in as `person`. */
export async function signedInContext(browser: Browser, server: { url: string }, person: TestUser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options })
  const response = await context.request.post(`${server.url}/api/session`, {
    data: { email: person.user.email, password: person.password },
    headers: { origin: server.url },
  })
  if (response.status() !== 201) throw new Error(`sign-in failed: ${response.status()} ${await response.text()}`)
  return context
}

/** axe-core's WCAG 2.1 A and AA checks on the page; returns the violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
