import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css'
import './styles.css'
import { initI18n } from './i18n/i18n.js'
import { App } from './App.js'

await initI18n()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
