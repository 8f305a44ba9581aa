import { useEffect, useState } from 'react'
import type { TemplateTheme } from '../../model/templates.js'
import { api } from '../api/api.js'

let cache: Promise<TemplateTheme[]> | undefined

/** The model clauses, loaded once per page. */
export function useTemplates(): { themes: TemplateTheme[] | null; error: unknown } {
  const [state, setState] = useState<{ themes: TemplateTheme[] | null; error: unknown }>({ themes: null, error: null })
  useEffect(() => {
    cache ??= api.listTemplates().catch((error: unknown) => {
      cache = undefined
      throw error
    })
    cache.then(
      (themes) => setState({ themes, error: null }),
      (error: unknown) => setState({ themes: null, error }),
    )
  }, [])
  return state
}
