import type { RichTextNode } from '../../model/richText.js'

/** Read-only rendering of rich text JSON (previews of model clauses). */
export function RichTextView({ doc }: { doc: RichTextNode }) {
  return <div className="rich-text rich-text--view">{(doc.content ?? []).map((node, i) => renderNode(node, i))}</div>
}

function renderNode(node: RichTextNode, key: number): React.ReactNode {
  const children = (node.content ?? []).map((child, i) => renderNode(child, i))
  switch (node.type) {
    case 'paragraph':
      return <p key={key}>{children}</p>
    case 'orderedList':
      return <ol key={key}>{children}</ol>
    case 'bulletList':
      return <ul key={key}>{children}</ul>
    case 'listItem':
      return <li key={key}>{children}</li>
    case 'hardBreak':
      return <br key={key} />
    case 'text': {
      let text: React.ReactNode = node.text ?? ''
      for (const mark of node.marks ?? []) {
        if (mark.type === 'bold') text = <strong>{text}</strong>
        else if (mark.type === 'italic') text = <em>{text}</em>
      }
      return <span key={key}>{text}</span>
    }
    default:
      return <div key={key}>{children}</div>
  }
}
