/**
 * The schema of a template file (one theme), as people write it in YAML.
 */
import { z } from 'zod'
import { BODY_TYPES } from '../../model/statuteDoc.js'

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'gebruik kleine letters, cijfers en streepjes (bijvoorbeeld "technische-vragen")')
const text = z.string().trim().min(1, 'mag niet leeg zijn')

export const variantSchema = z.strictObject({
  id,
  label: text,
  description: z.string().optional(),
  body: text,
  toelichting: text,
})

export const articleSchema = z
  .strictObject({
    id,
    title: text,
    default: z.boolean().default(true),
    /** Only for these body types (e.g. a right that exists in the Gemeentewet but not in the Waterschapswet). */
    bodyTypes: z.array(z.enum(BODY_TYPES)).min(1, 'noem minstens één soort overheid').optional(),
    body: text.optional(),
    toelichting: text.optional(),
    variants: z.array(variantSchema).min(2, 'geef minstens twee varianten, of gebruik body en toelichting').optional(),
  })
  .superRefine((article, ctx) => {
    const hasText = article.body !== undefined || article.toelichting !== undefined
    if (article.variants && hasText) ctx.addIssue({ code: 'custom', message: 'gebruik óf body en toelichting, óf variants, niet allebei' })
    if (!article.variants && (article.body === undefined || article.toelichting === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'een artikel heeft een body en een toelichting (of varianten)', path: article.body === undefined ? ['body'] : ['toelichting'] })
    }
  })

export const parameterSchema = z.strictObject({
  id,
  label: text,
  type: z.enum(['number', 'text']),
  default: z.union([z.number(), z.string()]),
})

export const themeSchema = z.strictObject({
  id,
  version: z.number().int().min(1),
  title: text,
  summary: text,
  order: z.number().int(),
  parameters: z.array(parameterSchema).default([]),
  articles: z.array(articleSchema).min(1, 'een thema heeft minstens één artikel'),
})

export type ThemeFile = z.output<typeof themeSchema>
