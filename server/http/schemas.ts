/**
 * Request schemas of the JSON API, validated at the boundary. The OpenAPI document is generated
 * from the same schemas, so the documentation cannot drift from what is enforced.
 */
import { z } from 'zod'
import { BODY_TYPES } from '../../model/statuteDoc.js'
import { DEFAULT_LIMITS, } from '../../model/protocol.js'
import { ID_PATTERN } from '../../model/ids.js'
import { ROLES } from '../../model/roles.js'

const templateId = z.string().regex(/^[a-z0-9-]{1,80}$/, 'Ongeldige id.')

export const templateChoice = z.strictObject({
  themes: z
    .array(z.strictObject({ id: templateId, articles: z.array(z.strictObject({ id: templateId, variant: templateId.optional() })).max(200) }))
    .max(50),
  // Whole numbers (terms in days) and non-empty text: the value lands in legal text as written.
  parameters: z.record(templateId, z.union([z.number().int().min(0).max(100_000), z.string().trim().min(1, 'Vul een waarde in.').max(200)])).default({}),
})

export const createStatuteBody = z.strictObject({
  title: z.string().trim().min(1, 'Geef het statuut een titel.').max(DEFAULT_LIMITS.maxTitleLength),
  organisation: z.string().trim().max(200).default(''),
  bodyType: z.enum(BODY_TYPES).default('gemeente'),
  /** Model clauses to start from; without it the statute starts with one empty article. */
  templates: templateChoice.optional(),
})

export const statuteParams = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'Ongeldige id.'),
})

export const errorBody = z.object({
  code: z.string().describe('Stable machine-readable error code'),
  message: z.string().describe('Explanation for people (Dutch)'),
  details: z.unknown().optional(),
})

export const statuteSummary = z.object({
  id: z.string(),
  title: z.string(),
  organisation: z.string(),
  bodyType: z.enum(BODY_TYPES),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const email = z.string().trim().toLowerCase().email('Vul een geldig e-mailadres in.').max(254)
const password = z.string().min(1, 'Vul een wachtwoord in.').max(200)
const personName = z.string().trim().min(1, 'Vul een naam in.').max(80)
const id = z.string().regex(ID_PATTERN, 'Ongeldige id.')

export const signInBody = z.strictObject({ email, password })
export const setupBody = z.strictObject({ email, password, name: personName })
export const passwordBody = z.strictObject({ currentPassword: password, newPassword: password })
export const tokenBody = z.strictObject({ name: z.string().trim().min(1, 'Geef het token een naam.').max(80) })
export const tokenParams = z.strictObject({ tokenId: id })

export const memberParams = z.strictObject({ id, userId: id })
export const memberPatch = z
  .strictObject({ role: z.enum(ROLES).optional(), partyId: id.optional(), canAgree: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.partyId !== undefined || v.canAgree !== undefined, 'Geef aan wat er verandert.')
export const partyBody = z.strictObject({ name: z.string().trim().min(1, 'Geef de partij een naam.').max(80), parentId: id.nullable().optional() })
export const invitationBody = z.strictObject({ email, role: z.enum(ROLES), partyId: id, canAgree: z.boolean().default(false) })
export const invitationParams = z.strictObject({ id, invitationId: id })
export const invitationToken = z.strictObject({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, 'Ongeldige link.') })
export const acceptInvitationBody = z.strictObject({ name: personName.optional(), password: password.optional() })

/**
 * A version's number (1, 2, …). At most 2,147,483,647: PostgreSQL stores it as an INTEGER, and a
 * larger number in a query would be a database error (500) instead of "no such version".
 */
export const versionNumber = z.coerce.number().int().min(1).max(2_147_483_647)
