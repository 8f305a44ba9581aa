import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import { api, ApiError } from '../api/api.js'
import { personFor, SessionContext, type Person } from './identity.js'

/** Loads the session once and offers refresh and sign-out to the whole app. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [person, setPerson] = useState<Person | null | undefined>(undefined)
  const [needsSetup, setNeedsSetup] = useState(false)

  const refresh = useCallback(async () => {
    try {
      const { user } = await api.session()
      setPerson(personFor(user))
      setNeedsSetup(false)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      setPerson(null)
      setNeedsSetup((await api.setupStatus()).needsSetup)
    }
  }, [])

  const signOut = useCallback(async () => {
    await api.signOut().catch(() => undefined)
    setPerson(null)
  }, [])

  useEffect(() => {
    refresh().catch(() => setPerson(null))
  }, [refresh])

  const value = useMemo(() => ({ person, needsSetup, refresh, signOut }), [person, needsSetup, refresh, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}
