/**
 * Mounts its children only when they come near the viewport, and keeps them mounted after that.
 * A 150-article statute would otherwise start 300 editors at once.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react'

export function LazyMount({ children, minHeight, anchorId }: { children: ReactNode; minHeight: number; anchorId: string }) {
  const ref = useRef<HTMLDivElement>(null)
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === 'undefined' || location.pathname.endsWith(anchorId.replace('artikel-', '')))
  useEffect(() => {
    if (visible || !ref.current) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true)
        observer.disconnect()
      }
    }, { rootMargin: '800px 0px' })
    observer.observe(ref.current)
    return () => observer.disconnect()
  }, [visible])
  if (visible) return <>{children}</>
  // The placeholder carries the anchor id, so links and scrolling work before mounting.
  return <div ref={ref} id={anchorId} style={{ minHeight }} className="lazy-placeholder" tabIndex={-1} />
}
