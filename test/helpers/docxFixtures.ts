/**
 * Word files for the import tests, built with the `docx` package in the test itself (no binary
 * fixtures in the repository).
 */
import { AlignmentType, Document, ExternalHyperlink, FootnoteReferenceRun, HeadingLevel, ImageRun, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx'
import JSZip from 'jszip'

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

const LEDEN = {
  reference: 'leden',
  levels: [
    { level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START },
    { level: 1, format: LevelFormat.LOWER_LETTER, text: '%2.', alignment: AlignmentType.START },
  ],
}

const lid = (text: string | TextRun[], instance: number, level = 0): Paragraph =>
  new Paragraph({ children: typeof text === 'string' ? [new TextRun(text)] : text, numbering: { reference: 'leden', level, instance } })

/**
 * A gedragscode as people write them: a title, loose text before the first heading, a chapter as
 * Heading 1, one article as Heading 2 and one as a bold plain paragraph, numbered leden with lettered
 * onderdelen, bold and italic runs, a link, a table and an image (neither fits an article), and a
 * second chapter by the "Hoofdstuk N" pattern with an article "Artikel 3 – …" with a footnote.
 */
export async function gedragscodeDocx(): Promise<Buffer> {
  const doc = new Document({
    numbering: { config: [LEDEN] },
    footnotes: { 1: { children: [new Paragraph('Zie de Gemeentewet, artikel 169.')] } },
    sections: [
      {
        children: [
          new Paragraph({ text: 'Gedragscode raad en college', heading: HeadingLevel.TITLE }),
          new Paragraph({ children: [new TextRun('De raad van de gemeente Testdorp besluit vast te stellen:')] }),
          new Paragraph({ text: 'Hoofdstuk 1 Algemeen', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: 'Artikel 1 Begrippen', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ children: [new TextRun('In deze gedragscode wordt verstaan onder:')] }),
          lid('raad: de gemeenteraad;', 1),
          lid('college: het college van burgemeester en wethouders;', 1),
          lid('griffie: de griffie met:', 1),
          lid('de griffier;', 1, 1),
          lid([new TextRun('de '), new TextRun({ text: 'plaatsvervangend', italics: true }), new TextRun(' griffier.')], 1, 1),
          new Paragraph({ children: [new TextRun({ text: 'Artikel 2. Doel', bold: true })] }),
          lid([new TextRun('Deze code regelt de '), new TextRun({ text: 'informatievoorziening', bold: true }), new TextRun('.')], 2),
          lid('Zie ook de website.', 2),
          new Paragraph({
            children: [new TextRun('Meer op '), new ExternalHyperlink({ link: 'https://www.testdorp.nl/code', children: [new TextRun({ text: 'de website', style: 'Hyperlink' })] }), new TextRun('.')],
          }),
          new Table({
            rows: [
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Soort vraag')] }), new TableCell({ children: [new Paragraph('Termijn')] })] }),
              new TableRow({ children: [new TableCell({ children: [new Paragraph('Technische vraag')] }), new TableCell({ children: [new Paragraph('5 werkdagen')] })] }),
            ],
          }),
          new Paragraph({ children: [new ImageRun({ type: 'png', data: PIXEL, transformation: { width: 10, height: 10 }, altText: { name: 'logo', description: 'Logo van Testdorp', title: 'Logo' } })] }),
          new Paragraph({ text: 'Hoofdstuk 2 Informatie', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun('Dit hoofdstuk gaat over informatie.')] }),
          new Paragraph({ children: [new TextRun({ text: 'Artikel 3 – Actieve informatie', bold: true })] }),
          new Paragraph({ children: [new TextRun('Het college informeert de raad tijdig.'), new FootnoteReferenceRun(1)] }),
          new Paragraph({ children: [new TextRun('Artikel 3 is niet van toepassing op geheime stukken.')] }),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}

/**
 * Text with C1 control characters (XML allows them; text pasted from old systems has them):
 * undefined in Windows-1252 in the chapter and article titles (U+0081, U+008D), Windows-1252
 * punctuation read as Latin-1 in the body (U+0080 €, U+0096 –, U+0099 ™).
 */
export function controlCharactersDocx(): Promise<Buffer> {
  return docxOf([
    new Paragraph({ text: 'Gedragscode', heading: HeadingLevel.TITLE }),
    new Paragraph({ text: 'Hoofdstuk 1 Alge\u0081meen', heading: HeadingLevel.HEADING_1 }),
    new Paragraph({ text: 'Artikel 1 Begrip\u008Dpen', heading: HeadingLevel.HEADING_2 }),
    new Paragraph({ children: [new TextRun('De raad, \u0080 100 \u0096 het college\u0099 \u0096 werkt samen.')] }),
  ])
}

/** A Word file of one section with these paragraphs (no numbering or footnotes). */
function docxOf(children: Paragraph[]): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }))
}

/** A document with only headings: Heading 1 chapters and Heading 2 articles, no "Artikel N". */
export function headingsOnlyDocx(): Promise<Buffer> {
  return docxOf([
    new Paragraph({ text: 'Informatieprotocol', heading: HeadingLevel.HEADING_1 }),
    new Paragraph({ text: 'Algemeen', heading: HeadingLevel.HEADING_2 }),
    new Paragraph({ text: 'Reikwijdte', heading: HeadingLevel.HEADING_3 }),
    new Paragraph('Dit protocol geldt voor alle informatie.'),
    new Paragraph({ text: 'Vragen', heading: HeadingLevel.HEADING_2 }),
    new Paragraph({ text: 'Technische vragen', heading: HeadingLevel.HEADING_3 }),
    new Paragraph('Technische vragen gaan naar de griffie.'),
    new Paragraph({ text: 'Schriftelijke vragen', heading: HeadingLevel.HEADING_3 }),
    new Paragraph('Schriftelijke vragen worden binnen 30 dagen beantwoord.'),
  ])
}

/** A zip that is not a Word document (no word/document.xml). */
export async function zipWithoutDocument(): Promise<Buffer> {
  const zip = new JSZip()
  zip.file('hello.txt', 'Dit is geen Word-bestand.')
  return zip.generateAsync({ type: 'nodebuffer' })
}

/** The start of an old binary Word file (OLE2 compound document). */
export function oldWordDoc(): Buffer {
  return Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)])
}
