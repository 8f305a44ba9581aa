/**
 * The app shell: skip link, header with the signed-in person and language choice, and the routes.
 * Routes: / (statute list), /statuten/<id>[/artikel/<articleId>] (editor), /statuten/<id>/leden
 * (members), /account, /uitnodiging/<token> (open without an account). Everything except the
 * invitation page needs a session; without one the sign-in (or first-run setup) page shows.
 */
import { lazy, Suspense, type ReactNode } from 'react'
import { Route, Switch, Link as RouterLink } from 'wouter'
import { useTranslation } from 'react-i18next'
import { Document, Paragraph, SkipLink } from '@utrecht/component-library-react/dist/css-module'
import { StatuteList } from './statutes/StatuteList.js'
import { LanguageSwitch } from './components/LanguageSwitch.js'
import { SessionProvider } from './identity/SessionProvider.js'
import { useSession } from './identity/identity.js'
import { UserMenu } from './account/UserMenu.js'
import { SignInPage } from './account/SignInPage.js'
import { AccountPage } from './account/AccountPage.js'
import { InvitationPage } from './account/InvitationPage.js'
import { MembersPage } from './members/MembersPage.js'
import { NewStatuteWizard } from './templates/NewStatuteWizard.js'
import { ImportPage } from './import/ImportPage.js'
import { AgreementMatrix } from './agreements/AgreementMatrix.js'
import { ThreadList } from './comments/ThreadList.js'

// The editor (Tiptap, Yjs bindings) is a separate chunk: the list loads fast.
const StatuteEditor = lazy(() => import('./editor/StatuteEditor.js').then((m) => ({ default: m.StatuteEditor })))

function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  const { person } = useSession()
  if (person === undefined) return <Paragraph role="status">{t('editor.loading')}</Paragraph>
  if (person === null) return <SignInPage />
  return <>{children}</>
}

export function App() {
  const { t } = useTranslation()
  return (
    <SessionProvider>
      <Document className="voorbeeld-theme app">
        <SkipLink href="#main">{t('app.skipToContent')}</SkipLink>
        <header className="app-header">
          <RouterLink href="/" className="app-name">
            {t('app.name')}
          </RouterLink>
          <span className="app-tagline">{t('app.tagline')}</span>
          <div className="app-header-tools">
            <UserMenu />
            <LanguageSwitch />
          </div>
        </header>
        <Suspense fallback={<Paragraph role="status">{t('editor.loading')}</Paragraph>}>
          <Switch>
            <Route path="/uitnodiging/:token">{(params) => <InvitationPage token={params.token} />}</Route>
            <Route path="/">
              <RequireSession>
                <StatuteList />
              </RequireSession>
            </Route>
            <Route path="/nieuw">
              <RequireSession>
                <NewStatuteWizard />
              </RequireSession>
            </Route>
            <Route path="/importeren">
              <RequireSession>
                <ImportPage />
              </RequireSession>
            </Route>
            <Route path="/account">
              <RequireSession>
                <AccountPage />
              </RequireSession>
            </Route>
            <Route path="/statuten/:id/reacties">
              {(params) => (
                <RequireSession>
                  <ThreadList statuteId={params.id} />
                </RequireSession>
              )}
            </Route>
            <Route path="/statuten/:id/instemming">
              {(params) => (
                <RequireSession>
                  <AgreementMatrix statuteId={params.id} />
                </RequireSession>
              )}
            </Route>
            <Route path="/statuten/:id/leden">
              {(params) => (
                <RequireSession>
                  <MembersPage statuteId={params.id} />
                </RequireSession>
              )}
            </Route>
            <Route path="/statuten/:id/artikel/:articleId">
              {(params) => (
                <RequireSession>
                  <StatuteEditor statuteId={params.id} articleId={params.articleId} />
                </RequireSession>
              )}
            </Route>
            <Route path="/statuten/:id">
              {(params) => (
                <RequireSession>
                  <StatuteEditor statuteId={params.id} />
                </RequireSession>
              )}
            </Route>
            <Route>
              <main id="main" className="page">
                <Paragraph>{t('editor.notFound')}</Paragraph>
              </main>
            </Route>
          </Switch>
        </Suspense>
      </Document>
    </SessionProvider>
  )
}
