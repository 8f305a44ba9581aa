import { createContext, useContext } from 'react'
import type { Member, ThreadView } from '../api/api.js'

export interface CommentContextValue {
  readonly statuteId: string
  readonly threads: ThreadView[]
  readonly members: Member[]
  readonly canComment: boolean
  readonly canResolveAll: boolean
  readonly userId: string
  readonly reload: () => void
}

export const CommentContext = createContext<CommentContextValue | null>(null)

export function useCommentContext(): CommentContextValue | null {
  return useContext(CommentContext)
}
