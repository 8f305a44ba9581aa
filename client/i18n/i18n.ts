/**
 * Languages: Dutch first, English second. The choice is kept in the browser and `<html lang>`
 * follows it, so screen readers pronounce the text correctly.
 */
import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { nl } from './nl.js'
import { en } from './en.js'

export const LANGUAGES = ['nl', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
const STORAGE_KEY = 'samenspel.language'

function storedLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    return stored === 'en' ? 'en' : 'nl'
  } catch {
    return 'nl'
  }
}

export async function initI18n(): Promise<void> {
  const lng = storedLanguage()
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'nl',
    resources: { nl: { translation: nl }, en: { translation: en } },
    interpolation: { escapeValue: false },
  })
  document.documentElement.lang = lng
}

export async function setLanguage(lng: Language): Promise<void> {
  await i18next.changeLanguage(lng)
  document.documentElement.lang = lng
  try {
    localStorage.setItem(STORAGE_KEY, lng)
  } catch {
    // Private browsing without storage: the choice lasts for this page only.
  }
}
