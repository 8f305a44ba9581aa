import { useCallback, useEffect, useState } from 'react'
import { api, type ThreadView } from '../api/api.js'
import { useStatuteEvents } from '../collaboration/statuteEvents.js'

/** All threads of a statute, kept live through the event stream. */
export function useThreads(statuteId: string): { threads: ThreadView[]; reload: () => void } {
  const [threads, setThreads] = useState<ThreadView[]>([])
  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    let current = true
    api.threads(statuteId).then(
      (t) => current && setThreads(t),
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [statuteId, version])
  useStatuteEvents(statuteId, ['comments'], reload)
  return { threads, reload }
}
