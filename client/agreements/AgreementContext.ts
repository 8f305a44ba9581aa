import { createContext, useContext } from 'react'
import type { PartyStatus } from '../../model/agreements.js'
import type { AgreementOverview, Me } from '../api/api.js'

export interface AgreementContextValue {
  readonly statuteId: string
  readonly overview: AgreementOverview | null
  readonly states: Map<string, Map<string, PartyStatus>>
  readonly fingerprints: Map<string, string>
  readonly me: Me | null
  readonly reload: () => void
}

export const AgreementContext = createContext<AgreementContextValue | null>(null)

export function useAgreementContext(): AgreementContextValue | null {
  return useContext(AgreementContext)
}
