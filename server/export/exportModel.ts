/**
 * What the Word export works from: plain data only (no database, no socket), so the export is a
 * pure function that the HTTP route, the CLI and the tests all call the same way.
 */
import type { BodyType } from '../../model/statuteDoc.js'
import type { StatuteSnapshot } from '../../model/snapshot.js'
import type { PartyState } from '../../model/agreements.js'

export interface ExportComment {
  readonly author: string
  readonly date: string
  readonly body: string
}

export interface ExportThread {
  readonly articleId: string
  /** The passage text the thread is about; absent for the whole article. */
  readonly quote: string | null
  readonly comments: readonly ExportComment[]
}

export interface ExportAgreementCell {
  readonly state: PartyState
  readonly who?: string
  readonly when?: string
  readonly reason?: string | null
}

export interface ExportInput {
  readonly statute: StatuteSnapshot & { readonly bodyType: BodyType }
  /** "concept" with the date, or the adoption with its decision date and reference. */
  readonly status: { readonly kind: 'concept'; readonly date: string } | { readonly kind: 'adopted'; readonly decisionDate: string; readonly decisionReference: string }
  readonly threads: readonly ExportThread[]
  /** Parties (columns of the annex) and, per article id, each party's state. */
  readonly parties: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly agreements: ReadonlyMap<string, ReadonlyMap<string, ExportAgreementCell>>
}

export interface ExportOptions {
  /** Open comment threads as Word comments on their passages. */
  readonly comments: boolean
  /** The annex "Verantwoording instemming". */
  readonly agreements: boolean
  /** The toelichting as a final part. */
  readonly toelichting: boolean
}

/**
 * The considerans by body type: who decides, on whose proposal, on what legal basis. The joint
 * form is for a statute the representative body and the executive adopt together.
 */
export function defaultAanhef(bodyType: BodyType, organisation: string, form: 'vertegenwoordiging' | 'gezamenlijk' = 'vertegenwoordiging'): string[] {
  const name = organisation || 'de organisatie'
  if (form === 'gezamenlijk') {
    switch (bodyType) {
      case 'provincie':
        return [`Provinciale Staten en Gedeputeerde Staten van ${name.replace(/^Provincie\s+/i, '')};`, 'gelet op de artikelen 16, 145 en 167 van de Provinciewet;', 'besluiten vast te stellen:']
      case 'waterschap':
        return [`Het algemeen bestuur en het dagelijks bestuur van ${name};`, 'gelet op de Waterschapswet;', 'besluiten vast te stellen:']
      default:
        return [`De raad en het college van burgemeester en wethouders van de gemeente ${name.replace(/^Gemeente\s+/i, '')};`, 'gelet op de artikelen 147a, 160 en 169 van de Gemeentewet;', 'besluiten vast te stellen:']
    }
  }
  switch (bodyType) {
    case 'provincie':
      return [`Provinciale Staten van ${name.replace(/^Provincie\s+/i, '')};`, 'gelezen het voorstel van Gedeputeerde Staten;', 'gelet op de artikelen 16 en 167 van de Provinciewet;', 'besluiten vast te stellen:']
    case 'waterschap':
      return [`Het algemeen bestuur van ${name};`, 'gelezen het voorstel van het dagelijks bestuur;', 'gelet op de Waterschapswet;', 'besluit vast te stellen:']
    default:
      return [`De raad van de gemeente ${name.replace(/^Gemeente\s+/i, '')};`, 'gelezen het voorstel van burgemeester en wethouders;', 'gelet op de artikelen 147a en 169 van de Gemeentewet;', 'besluit vast te stellen:']
  }
}

/** The ondertekening: who signs for the adopting body. */
export function signatories(bodyType: BodyType): [string, string] {
  if (bodyType === 'provincie') return ['de voorzitter,', 'de statengriffier,']
  if (bodyType === 'waterschap') return ['de dijkgraaf,', 'de secretaris-directeur,']
  return ['de voorzitter,', 'de griffier,']
}
