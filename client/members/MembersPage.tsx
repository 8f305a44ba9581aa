/**
 * Members of a statute: who is in it, with which role and party. Beheerders change roles and
 * parties, invite people (a one-time link to pass on), add parties and read the audit log.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link as RouterLink } from 'wouter'
import { Alert, Button, Heading1, Heading2, Paragraph } from '@utrecht/component-library-react/dist/css-module'
import { ROLES, type Role } from '../../model/roles.js'
import { api, type AuditEntry, type Invitation, type Me, type Member, type Party } from '../api/api.js'
import { TextField } from '../components/TextField.js'
import { errorMessage } from '../components/errorMessage.js'

interface Data {
  readonly title: string
  readonly me: Me
  readonly members: Member[]
  readonly parties: Party[]
  readonly invitations: Invitation[]
  readonly audit: AuditEntry[]
}

export function MembersPage({ statuteId }: { statuteId: string }) {
  const { t } = useTranslation()
  const [data, setData] = useState<Data | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      const statute = await api.getStatute(statuteId)
      const manage = statute.me.canManage
      const [members, invitations, audit] = await Promise.all([
        api.listMembers(statuteId),
        manage ? api.listInvitations(statuteId) : Promise.resolve([]),
        manage ? api.audit(statuteId) : Promise.resolve([]),
      ])
      setData({ title: statute.title, me: statute.me, members, parties: statute.parties, invitations, audit })
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }, [statuteId, t])
  useEffect(() => {
    void load()
  }, [load])
  useEffect(() => {
    document.title = `${t('members.title')} – ${data?.title ?? ''} – Samenspel`
  }, [data?.title, t])

  const run = async (action: () => Promise<unknown>, done?: string): Promise<void> => {
    setError(null)
    try {
      await action()
      if (done) setNotice(done)
      await load()
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }

  return (
    <main id="main" className="page" tabIndex={-1}>
      <Paragraph>
        <RouterLink href={`/statuten/${statuteId}`} className="utrecht-link">
          ← {data?.title ?? t('members.back')}
        </RouterLink>
      </Paragraph>
      <Heading1>{t('members.title')}</Heading1>
      <div role="status" aria-live="polite">
        {notice && <Alert type="ok">{notice}</Alert>}
      </div>
      {error && <Alert type="error">{error}</Alert>}
      {data && (
        <>
          <MembersTable data={data} onChange={(userId, patch) => void run(() => api.changeMember(statuteId, userId, patch), t('members.saved'))} onRemove={(m) => void run(() => api.removeMember(statuteId, m.userId), t('members.removed', { name: m.name }))} />
          {data.me.canManage && (
            <>
              <InviteForm statuteId={statuteId} parties={data.parties} onInvited={() => void load()} />
              <InvitationList invitations={data.invitations} parties={data.parties} onRevoke={(i) => void run(() => api.revokeInvitation(statuteId, i.id), t('members.invitationRevoked'))} />
              <PartyForm parties={data.parties} onAdd={(name, parentId) => void run(() => api.createParty(statuteId, name, parentId), t('members.partyAdded', { name }))} onRule={(partyId, rule, quorum) => void run(() => api.setPartyRule(statuteId, partyId, rule, quorum), t('members.saved'))} />
              <AuditList entries={data.audit} />
            </>
          )}
        </>
      )}
    </main>
  )
}

function MembersTable({ data, onChange, onRemove }: { data: Data; onChange: (userId: string, patch: { role?: Role; partyId?: string; canAgree?: boolean }) => void; onRemove: (m: Member) => void }) {
  const { t } = useTranslation()
  const manage = data.me.canManage
  return (
    <section aria-labelledby="members-heading">
      <Heading2 id="members-heading">{t('members.listTitle', { count: data.members.length })}</Heading2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('members.name')}</th>
            {manage && <th scope="col">{t('auth.email')}</th>}
            <th scope="col">{t('members.role')}</th>
            <th scope="col">{t('members.party')}</th>
            <th scope="col">{t('members.canAgree')}</th>
            {manage && (
              <th scope="col">
                <span className="visually-hidden">{t('account.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {data.members.map((member) => (
            <tr key={member.userId}>
              <th scope="row">{member.name}</th>
              {manage && <td>{member.email}</td>}
              <td>
                {manage ? (
                  <select aria-label={t('members.roleOf', { name: member.name })} className="utrecht-select utrecht-select--html-select" value={member.role} onChange={(e) => onChange(member.userId, { role: e.target.value as Role })}>
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {t(`roles.${role}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  t(`roles.${member.role}`)
                )}
              </td>
              <td>
                {manage ? (
                  <select aria-label={t('members.partyOf', { name: member.name })} className="utrecht-select utrecht-select--html-select" value={member.partyId} onChange={(e) => onChange(member.userId, { partyId: e.target.value })}>
                    {data.parties.map((party) => (
                      <option key={party.id} value={party.id}>
                        {party.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  member.partyName
                )}
              </td>
              <td>
                {manage ? (
                  <input type="checkbox" aria-label={t('members.canAgreeFor', { name: member.name, party: member.partyName })} checked={member.canAgree} onChange={(e) => onChange(member.userId, { canAgree: e.target.checked })} />
                ) : member.canAgree ? (
                  t('members.yes')
                ) : (
                  t('members.no')
                )}
              </td>
              {manage && (
                <td>
                  <Button appearance="subtle-button" hint="danger" onClick={() => onRemove(member)}>
                    {t('members.remove', { name: member.name })}
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function InviteForm({ statuteId, parties, onInvited }: { statuteId: string; parties: Party[]; onInvited: () => void }) {
  const { t } = useTranslation()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('commentator')
  const [partyId, setPartyId] = useState(parties[0]?.id ?? '')
  const [canAgree, setCanAgree] = useState(false)
  const [link, setLink] = useState<string | null>(null)
  const [mailNote, setMailNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const ids = { role: useId(), party: useId(), agree: useId() }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setError(null)
    try {
      const invitation = await api.invite(statuteId, { email, role, partyId, canAgree })
      setLink(invitation.link ?? null)
      setMailNote(invitation.mailed ? t('members.mailed', { email: invitation.email }) : (invitation.mailError ?? null))
      setEmail('')
      onInvited()
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }
  return (
    <section aria-labelledby="invite-heading">
      <Heading2 id="invite-heading">{t('members.inviteTitle')}</Heading2>
      <Paragraph>{t('members.inviteIntro')}</Paragraph>
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        {error && <Alert type="error">{error}</Alert>}
        <TextField label={t('auth.email')} type="email" value={email} onChange={setEmail} required maxLength={254} />
        <div className="form-field">
          <label htmlFor={ids.role} className="utrecht-form-label">
            {t('members.role')}
          </label>
          <select id={ids.role} className="utrecht-select utrecht-select--html-select" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)} – {t(`roles.${r}Hint`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={ids.party} className="utrecht-form-label">
            {t('members.party')}
          </label>
          <select id={ids.party} className="utrecht-select utrecht-select--html-select" value={partyId} onChange={(e) => setPartyId(e.target.value)}>
            {parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-check">
          <input id={ids.agree} type="checkbox" checked={canAgree} onChange={(e) => setCanAgree(e.target.checked)} />
          <label htmlFor={ids.agree}>{t('members.canAgreeLabel')}</label>
        </div>
        <div>
          <Button type="submit" appearance="primary-action-button">
            {t('members.invite')}
          </Button>
        </div>
      </form>
      <div role="status">
        {link && (
          <Alert type="ok">
            <Paragraph>{t('members.linkCreated')}</Paragraph>
            {mailNote && <Paragraph>{mailNote}</Paragraph>}
            <code className="secret" data-testid="invitation-link">
              {link}
            </code>
          </Alert>
        )}
      </div>
    </section>
  )
}

function InvitationList({ invitations, parties, onRevoke }: { invitations: Invitation[]; parties: Party[]; onRevoke: (i: Invitation) => void }) {
  const { t, i18n } = useTranslation()
  const open = invitations.filter((i) => !i.acceptedAt && !i.revokedAt && Date.parse(i.expiresAt) > Date.now())
  if (open.length === 0) return null
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' })
  return (
    <section aria-labelledby="open-invitations">
      <Heading2 id="open-invitations">{t('members.openInvitations')}</Heading2>
      <ul>
        {open.map((i) => (
          <li key={i.id}>
            {i.email} – {t(`roles.${i.role}`)}, {parties.find((p) => p.id === i.partyId)?.name} ({t('members.expires', { date: date.format(new Date(i.expiresAt)) })}){' '}
            <Button appearance="subtle-button" onClick={() => onRevoke(i)}>
              {t('members.revokeInvitation', { email: i.email })}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  )
}

function PartyForm({ parties, onAdd, onRule }: { parties: Party[]; onAdd: (name: string, parentId: string | null) => void; onRule: (partyId: string, rule: 'all' | 'quorum', quorum: number | null) => void }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [parentId, setParentId] = useState('')
  const parentSelect = useId()
  const topLevel = parties.filter((p) => !p.parentId)
  return (
    <section aria-labelledby="parties-heading">
      <Heading2 id="parties-heading">{t('members.partiesTitle')}</Heading2>
      <Paragraph>{t('members.partiesIntro')}</Paragraph>
      <ul className="party-list">
        {topLevel.map((party) => {
          const subs = parties.filter((p) => p.parentId === party.id)
          return (
            <li key={party.id}>
              <strong>{party.name}</strong>
              {subs.length > 0 && (
                <>
                  {' '}
                  <label className="form-check form-check--inline">
                    {t('members.ruleLabel', { party: party.name })}{' '}
                    <select
                      className="utrecht-select utrecht-select--html-select"
                      value={party.rule === 'quorum' ? String(party.quorum ?? 1) : 'all'}
                      onChange={(e) => (e.target.value === 'all' ? onRule(party.id, 'all', null) : onRule(party.id, 'quorum', Number(e.target.value)))}
                    >
                      <option value="all">{t('members.ruleAll')}</option>
                      {subs.map((_, i) => (
                        <option key={i + 1} value={String(i + 1)}>
                          {t('members.ruleQuorum', { count: i + 1 })}
                        </option>
                      ))}
                    </select>
                  </label>
                  <ul>
                    {subs.map((sub) => (
                      <li key={sub.id}>{sub.name}</li>
                    ))}
                  </ul>
                </>
              )}
            </li>
          )
        })}
      </ul>
      <form
        className="form-inline"
        onSubmit={(e) => {
          e.preventDefault()
          onAdd(name, parentId || null)
          setName('')
        }}
      >
        <TextField label={t('members.partyName')} value={name} onChange={setName} required maxLength={80} />
        <div className="form-field">
          <label htmlFor={parentSelect} className="utrecht-form-label">
            {t('members.partOf')}
          </label>
          <select id={parentSelect} className="utrecht-select utrecht-select--html-select" value={parentId} onChange={(e) => setParentId(e.target.value)}>
            <option value="">{t('members.noParent')}</option>
            {topLevel.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" appearance="secondary-action-button">
          {t('members.addParty')}
        </Button>
      </form>
    </section>
  )
}

function AuditList({ entries }: { entries: AuditEntry[] }) {
  const { t, i18n } = useTranslation()
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' })
  return (
    <section aria-labelledby="audit-heading">
      <Heading2 id="audit-heading">{t('members.auditTitle')}</Heading2>
      <details>
        <summary>{t('members.auditShow', { count: entries.length })}</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('members.when')}</th>
              <th scope="col">{t('members.who')}</th>
              <th scope="col">{t('members.what')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{date.format(new Date(e.at))}</td>
                <td>{e.actorLabel}</td>
                <td>
                  {t(`audit.${e.action}`, { defaultValue: e.action })} {Object.keys(e.details).length > 0 && <span className="audit-details">{JSON.stringify(e.details)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}
