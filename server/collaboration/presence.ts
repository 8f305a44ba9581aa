/**
 * What the server passes on of a person's presence (awareness state): who they are, as the server
 * knows them, and where their caret is. Nothing else.
 *
 * Every client renders the others' states: Tiptap's caret plugin (`@tiptap/y-tiptap`) reads
 * `cursor.anchor` and `cursor.head` as Yjs relative positions without checking them, so one
 * crafted state (`{ "cursor": 1 }`) would break the editor of everyone in the statute, again at
 * each change. The server therefore rebuilds each state from the fields it knows, checked: a
 * `cursor` that is not `null` or two relative positions is left out, and so is any other field.
 */
import type { MemberIdentity } from '../../model/roles.js'

const COLOR = /^#[0-9a-fA-F]{6}$/
const DEFAULT_COLOR = '#1d4ed8'
/** A Yjs type name (`tname`) is the name of a root type; Samenspel's are short. */
const MAX_TYPE_NAME = 200

/** A Yjs item id as JSON: two whole numbers (client id and clock). */
function itemId(value: unknown): { client: number; clock: number } | null | undefined {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || Array.isArray(value)) return undefined
  const { client, clock } = value as { client?: unknown; clock?: unknown }
  if (!isCount(client) || !isCount(clock)) return undefined
  return { client, clock }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/**
 * A relative position as `Y.relativePositionToJSON` writes it ({ type?, tname?, item?, assoc? }),
 * rebuilt from checked fields; undefined if it is anything else.
 */
export function relativePosition(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const json = value as { type?: unknown; tname?: unknown; item?: unknown; assoc?: unknown }
  for (const key of Object.keys(json)) if (key !== 'type' && key !== 'tname' && key !== 'item' && key !== 'assoc') return undefined
  const type = itemId(json.type)
  const item = itemId(json.item)
  if (type === undefined || item === undefined) return undefined
  const tname = json.tname ?? null
  if (tname !== null && (typeof tname !== 'string' || tname.length > MAX_TYPE_NAME)) return undefined
  const assoc = json.assoc ?? null
  if (assoc !== null && (typeof assoc !== 'number' || !Number.isSafeInteger(assoc))) return undefined
  const position: Record<string, unknown> = {}
  if (type) position.type = type
  if (tname !== null) position.tname = tname
  if (item) position.item = item
  if (assoc !== null) position.assoc = assoc
  return position
}

/** A caret: `null` (none), or an anchor and a head; undefined if the value is neither. */
export function caret(value: unknown): { anchor: Record<string, unknown>; head: Record<string, unknown> } | null | undefined {
  if (value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) return undefined
  const { anchor, head } = value as { anchor?: unknown; head?: unknown }
  const checkedAnchor = relativePosition(anchor)
  const checkedHead = relativePosition(head)
  return checkedAnchor && checkedHead ? { anchor: checkedAnchor, head: checkedHead } : undefined
}

/**
 * The state the others see: `user` is what the server knows of the person (only the colour is the
 * client's own choice, if it is a colour), `cursor` is kept if it is a caret. `null` (the person
 * left) stays `null`.
 */
export function vouch(state: unknown, identity: MemberIdentity): unknown {
  if (state === null) return null
  const claimed = typeof state === 'object' && !Array.isArray(state) ? (state as { user?: { color?: unknown }; cursor?: unknown }) : {}
  const color = typeof claimed.user?.color === 'string' && COLOR.test(claimed.user.color) ? claimed.user.color : DEFAULT_COLOR
  const vouched: Record<string, unknown> = { user: { name: identity.name, color, role: identity.role, party: identity.party, userId: identity.userId } }
  const cursor = 'cursor' in claimed ? caret(claimed.cursor) : undefined
  if (cursor !== undefined) vouched.cursor = cursor
  return vouched
}
