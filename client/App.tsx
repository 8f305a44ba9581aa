/**
 * The app shell: skip link, header with language choice, and the routes.
 * Routes: / (statute list), /statuten/<id> and /statuten/<id>/artikel/<articleId> (editor).
 */
import { lazy, Suspense } from 'react'
import { Route, Switch, Link as RouterLink } from 'wouter'
import { useTranslation } from 'react-i18next'
import { Document, Paragraph, SkipLink } from '@utrecht/component-library-react/dist/css-module'
import { StatuteList } from './statutes/StatuteList.js'
import { LanguageSwitch } from './components/LanguageSwitch.js'
import { IdentityBadge } from './identity/IdentityBadge.js'

// The editor (Tiptap, Yjs bindings) is a separate chunk: the list loads fast.
const StatuteEditor = lazy(() => import('./editor/StatuteEditor.js').then((m) => ({ default: m.StatuteEditor })))

export function App() {
  const { t } = useTranslation()
  return (
    <Document className="voorbeeld-theme app">
      <SkipLink href="#main">{t('app.skipToContent')}</SkipLink>
      <header className="app-header">
        <RouterLink href="/" className="app-name">
          {t('app.name')}
        </RouterLink>
        <span className="app-tagline">{t('app.tagline')}</span>
        <div className="app-header-tools">
          <IdentityBadge />
          <LanguageSwitch />
        </div>
      </header>
      <Suspense fallback={<Paragraph role="status">{t('editor.loading')}</Paragraph>}>
        <Switch>
          <Route path="/">
            <StatuteList />
          </Route>
          <Route path="/statuten/:id/artikel/:articleId">{(params) => <StatuteEditor statuteId={params.id} articleId={params.articleId} />}</Route>
          <Route path="/statuten/:id">{(params) => <StatuteEditor statuteId={params.id} />}</Route>
          <Route>
            <main id="main" className="page">
              <Paragraph>{t('editor.notFound')}</Paragraph>
            </main>
          </Route>
        </Switch>
      </Suspense>
    </Document>
  )
}
