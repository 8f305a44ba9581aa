/**
 * Request schemas of the JSON API, validated at the boundary. The OpenAPI document is generated
 * from the same schemas, so the documentation cannot drift from what is enforced.
 */
import { z } from 'zod'
import { BODY_TYPES } from '../../model/statuteDoc.js'
import { DEFAULT_LIMITS, } from '../../model/protocol.js'
import { ID_PATTERN } from '../../model/ids.js'

export const createStatuteBody = z.strictObject({
  title: z.string().trim().min(1, 'Geef het statuut een titel.').max(DEFAULT_LIMITS.maxTitleLength),
  organisation: z.string().trim().max(200).default(''),
  bodyType: z.enum(BODY_TYPES).default('gemeente'),
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
