/**
 * The demo: one organisation (Gemeente Demodorp) with an account per role and a sample statute, so a
 * newcomer can try every role within a minute. Idempotent: a second run only prints the accounts.
 * The passwords are fixed and printed: this is for trying Samenspel, not for real drafts.
 */
import { newId } from '../../model/ids.js'
import type { Role } from '../../model/roles.js'
import { defaultChoice } from '../../model/templates.js'
import type { SamenspelServer } from '../createServer.js'

export interface DemoAccount {
  readonly email: string
  readonly name: string
  readonly password: string
  readonly role: Role
  readonly party: string
  readonly canAgree: boolean
  readonly what: string
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'griffier@demodorp.nl', name: 'Gea Griffioen (griffier)', password: 'demo-griffier-2026', role: 'beheerder', party: 'Griffie', canAgree: true, what: 'beheert leden en het proces' },
  { email: 'wethouder@demodorp.nl', name: 'Wim de Wit (wethouder)', password: 'demo-wethouder-2026', role: 'redacteur', party: 'College', canAgree: true, what: 'schrijft mee en stemt in namens het college' },
  { email: 'secretaris@demodorp.nl', name: 'Sanne Smit (gemeentesecretaris)', password: 'demo-secretaris-2026', role: 'redacteur', party: 'Ambtelijke organisatie', canAgree: true, what: 'schrijft mee namens de organisatie' },
  { email: 'fractievoorzitter@demodorp.nl', name: 'Fatima El Idrissi (fractievoorzitter)', password: 'demo-fractie-2026', role: 'commentator', party: 'Raad', canAgree: true, what: 'geeft commentaar en stemt in namens de raad' },
  { email: 'raadslid@demodorp.nl', name: 'Ruud Raats (raadslid)', password: 'demo-raadslid-2026', role: 'commentator', party: 'Raad', canAgree: false, what: 'leest en geeft commentaar' },
  { email: 'lezer@demodorp.nl', name: 'Lotte Lammers (lezer)', password: 'demo-lezer-2026', role: 'lezer', party: 'Raad', canAgree: false, what: 'leest alleen' },
]

export const DEMO_TITLE = 'Statuut samenwerking raad, college en griffie'

/** Creates the demo accounts and statute if they do not exist yet. Returns the statute id. */
export async function seedDemo(server: SamenspelServer): Promise<string> {
  const { store, auth } = server
  const users = new Map<string, string>()
  for (const account of DEMO_ACCOUNTS) {
    const existing = await store.accounts.getUserByEmail(account.email)
    const user = existing ?? (await auth.createUser({ email: account.email, name: account.name, password: account.password }))
    users.set(account.email, user.id)
  }
  const griffier = users.get(DEMO_ACCOUNTS[0]!.email)!
  const memberships = await store.access.listMembershipsOf(griffier)
  const existing = (await store.listStatutes()).find((s) => s.title === DEMO_TITLE && memberships.some((m) => m.statuteId === s.id))
  if (existing) return existing.id

  const statute = await server.statutes.create(
    { title: DEMO_TITLE, organisation: 'Gemeente Demodorp', bodyType: 'gemeente', templates: defaultChoice(server.templates.themes, 'gemeente') },
    (statuteId) => server.access.initialAccess(statuteId, griffier),
  )
  const now = new Date().toISOString()
  await store.access.createParty({ id: newId(), statuteId: statute.id, name: 'Ambtelijke organisatie', parentId: null, createdAt: now })
  const parties = await store.access.listParties(statute.id)
  for (const account of DEMO_ACCOUNTS) {
    const party = parties.find((p) => p.name === account.party)!
    await store.access.putMembership({ statuteId: statute.id, userId: users.get(account.email)!, role: account.role, partyId: party.id, canAgree: account.canAgree, createdAt: now })
  }
  return statute.id
}

/** The accounts as a table for the terminal. */
export function demoAccountsTable(url: string, statuteId: string): string {
  const rows = DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(31)} ${a.password.padEnd(22)} ${a.role.padEnd(12)} ${a.party.padEnd(23)} ${a.what}`)
  return [
    '',
    `Demo van Samenspel: ${url}/statuten/${statuteId}`,
    'Meld u aan met een van deze accounts (in een ander browservenster of privévenster kunt u een tweede rol tegelijk gebruiken):',
    `  ${'e-mailadres'.padEnd(31)} ${'wachtwoord'.padEnd(22)} ${'rol'.padEnd(12)} ${'partij'.padEnd(23)} wat`,
    ...rows,
    '',
  ].join('\n')
}
