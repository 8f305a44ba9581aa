/**
 * Realistic statute content for the benchmark: article bodies of a few leden (~400 characters) and
 * a toelichting, in the wording of Dutch council statutes. Deterministic (seeded), so every run
 * stores documents of the same size and runs stay comparable.
 */
import type { RichTextDoc, RichTextNode } from '../model/richText.js'
import { paragraph } from '../model/richText.js'

const SENTENCES = [
  'Het college informeert de raad actief en tijdig over alle zaken die voor de raad van belang zijn.',
  'De raad stelt de kaders vast waarbinnen het college de samenwerking vormgeeft.',
  'De griffier ondersteunt de raad en zijn commissies bij de uitoefening van hun taken.',
  'Een verzoek om inlichtingen wordt binnen vier weken schriftelijk beantwoord.',
  'Het college stelt de raad in de gelegenheid zijn wensen en bedenkingen kenbaar te maken.',
  'De burgemeester bevordert de goede samenwerking tussen raad, college en ambtelijke organisatie.',
  'Vertrouwelijke informatie wordt uitsluitend verstrekt onder geheimhouding als bedoeld in de Gemeentewet.',
  'Het presidium bespreekt eenmaal per jaar de werking van dit statuut met het college.',
  'Raadsleden richten hun vragen over de uitvoering van beleid in beginsel tot het verantwoordelijke collegelid.',
  'Ambtenaren verstrekken feitelijke informatie aan raadsleden met inachtneming van de ambtelijke loyaliteit.',
  'De gemeentesecretaris draagt zorg voor een goede afstemming tussen griffie en ambtelijke organisatie.',
  'Bij een verschil van inzicht over de toepassing van dit statuut beslist het presidium na overleg met de burgemeester.',
  'De rekenkamercommissie ontvangt alle stukken die zij voor haar onderzoek nodig acht.',
  'Het college legt over het gevoerde bestuur verantwoording af aan de raad.',
  'Inwoners worden betrokken bij de voorbereiding van beleid dat hen rechtstreeks raakt.',
  'Een motie die door de raad is aangenomen, wordt binnen drie maanden door het college afgehandeld.',
]

const TITLES = [
  'Informatievoorziening', 'Actieve informatieplicht', 'Vragen van raadsleden', 'Rol van de griffie',
  'Wensen en bedenkingen', 'Geheimhouding', 'Ambtelijke bijstand', 'Verbonden partijen',
  'Begrotingscyclus', 'Evaluatie', 'Moties en toezeggingen', 'Burgerparticipatie',
  'Rekenkamer', 'Samenwerking met de regio', 'Integriteit', 'Communicatie',
]

const EXPLANATIONS = [
  'Dit artikel werkt de inlichtingenplicht uit artikel 169 van de Gemeentewet nader uit voor de dagelijkse praktijk.',
  'De termijn sluit aan bij de afspraken in het reglement van orde en geeft het college voldoende tijd voor een zorgvuldig antwoord.',
  'Met deze bepaling wordt voorkomen dat raadsleden en ambtenaren in een lastige positie komen wanneer politieke en ambtelijke rollen door elkaar lopen.',
  'De bepaling is opgenomen naar aanleiding van de evaluatie van het vorige statuut, waaruit bleek dat de rolverdeling niet altijd duidelijk was.',
  'Het presidium is gekozen omdat daarin alle fracties zijn vertegenwoordigd en het de agenda van de raad voorbereidt.',
]

/** A small deterministic PRNG (mulberry32); Math.random would make state sizes differ per run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

/** Sentences joined until at least `minChars` characters. */
function prose(random: () => number, pool: readonly string[], minChars: number): string {
  let text = pick(random, pool)
  while (text.length < minChars) text += ' ' + pick(random, pool)
  return text
}

/** Content of one article: title, body (numbered leden, ~400 chars in total) and toelichting. */
export interface ArticleContent {
  readonly title: string
  readonly body: RichTextDoc
  readonly toelichting: RichTextDoc
  /** Characters of text in body and toelichting together. */
  readonly chars: number
}

/** The `index`-th article of a statute generated from `seed`. */
export function articleContent(random: () => number, index: number): ArticleContent {
  const ledenCount = 2 + Math.floor(random() * 2)
  const leden = Array.from({ length: ledenCount }, () => prose(random, SENTENCES, Math.floor(400 / ledenCount) - 20))
  const explanation = prose(random, EXPLANATIONS, 220)
  // Leden as an ordered list of list items, the shape the editor's StarterKit produces.
  const list: RichTextNode = {
    type: 'orderedList',
    attrs: { start: 1 },
    content: leden.map((text) => ({ type: 'listItem', content: [paragraph(text)] })),
  }
  return {
    title: `${pick(random, TITLES)} ${index + 1}`,
    body: { type: 'doc', content: [list] },
    toelichting: { type: 'doc', content: [paragraph(explanation)] },
    chars: leden.reduce((n, t) => n + t.length, 0) + explanation.length,
  }
}
