/**
 * PlainHistogram (server/metrics/Metrics.ts) counts samenspel_persist_seconds without prom-client's
 * per-call label hashing; what /metrics shows of it must be what prom-client's Histogram shows.
 */
import { describe, expect, it } from 'vitest'
import { Histogram, Registry } from 'prom-client'
import { PlainHistogram } from '../../server/metrics/Metrics.js'
import { mulberry32 } from '../helpers/prng.js'

const BOUNDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

function registries(): { plain: PlainHistogram; reference: Histogram; plainText: () => Promise<string>; referenceText: () => Promise<string> } {
  const plainRegistry = new Registry()
  const referenceRegistry = new Registry()
  const plain = new PlainHistogram('samenspel_test_seconds', 'Test', BOUNDS)
  plainRegistry.registerMetric(plain as unknown as Parameters<Registry['registerMetric']>[0])
  const reference = new Histogram({ name: 'samenspel_test_seconds', help: 'Test', buckets: BOUNDS, registers: [referenceRegistry] })
  return { plain, reference, plainText: () => plainRegistry.metrics(), referenceText: () => referenceRegistry.metrics() }
}

describe('PlainHistogram', () => {
  it.each([1, 2, 3])('exports what prom-client’s Histogram exports for the same observations (seed %i)', async (seed) => {
    const random = mulberry32(seed)
    const { plain, reference, plainText, referenceText } = registries()
    // Values on every side of the bounds, the bounds themselves (le is inclusive) and beyond the last.
    for (let i = 0; i < 2000; i++) {
      const pick = random()
      const value = pick < 0.2 ? BOUNDS[Math.floor(random() * BOUNDS.length)]! : pick < 0.25 ? 3 + random() * 10 : random() ** 4 * 2.6
      plain.observe(value)
      reference.observe(value)
    }
    const text = await plainText()
    expect(text).toBe(await referenceText())
    expect(text).toMatch(/^samenspel_test_seconds_bucket\{le="\+Inf"\} 2000$/m)
  })

  it('with no observations, shows zero counts as prom-client does', async () => {
    const { plainText, referenceText, reference } = registries()
    reference.zero({})
    expect(await plainText()).toBe(await referenceText())
  })
})
