/**
 * Who is in the statute now, with their colour. Arrivals and departures are announced through an
 * aria-live region, not by re-reading the whole list.
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PresentPerson } from '../collaboration/hooks.js'

export function PresenceList({ people }: { people: PresentPerson[] }) {
  const { t } = useTranslation()
  const [announcement, setAnnouncement] = useState('')
  const previous = useRef<Map<number, string> | null>(null)

  useEffect(() => {
    const now = new Map(people.filter((p) => !p.isSelf).map((p) => [p.clientId, p.name]))
    const before = previous.current
    previous.current = now
    if (!before) return
    const joined = [...now].filter(([id]) => !before.has(id)).map(([, name]) => t('presence.joined', { name }))
    const left = [...before].filter(([id]) => !now.has(id)).map(([, name]) => t('presence.left', { name }))
    if (joined.length + left.length > 0) setAnnouncement([...joined, ...left].join('. '))
  }, [people, t])

  return (
    <section className="presence" aria-label={t('presence.title')}>
      <h2 className="visually-hidden">{t('presence.title')}</h2>
      <p className="presence-count">{t('presence.count', { count: people.length })}</p>
      <ul className="presence-list" data-testid="presence-list">
        {people.map((person) => (
          <li key={person.clientId} className="presence-person">
            <span className="presence-dot" style={{ background: person.color }} aria-hidden="true" />
            {person.name} {person.isSelf && <span className="presence-self">{t('presence.you')}</span>}
            {person.role && <span className="presence-role">{t('presence.roleParty', { role: t(`roles.${person.role}`), party: person.party ?? '' })}</span>}
          </li>
        ))}
      </ul>
      <div className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
    </section>
  )
}
