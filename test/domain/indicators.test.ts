import t from 'tap'
import { checkIndicatorShape, type IndicatorShape } from '../../src/domain/indicators.js'

t.test('aggregation follows the unit (rule 2)', async (t) => {
  const ok: IndicatorShape[] = [
    { unit: 'count', aggregation: 'sum', ratePer: null }, // NI 20 assaults
    { unit: 'count', aggregation: 'latest', ratePer: null },
    { unit: 'percentage', aggregation: 'ratio_of_sums', ratePer: null }, // test purchase failure rate
    { unit: 'percentage', aggregation: 'latest', ratePer: null }, // NI 17 perception survey
    { unit: 'ratio', aggregation: 'ratio_of_sums', ratePer: null }, // MARAC repeat cases / cases
    { unit: 'rate', aggregation: 'ratio_of_sums', ratePer: 1000 },
  ]
  for (const shape of ok) t.doesNotThrow(() => checkIndicatorShape(shape), JSON.stringify(shape))
  const bad: Array<[IndicatorShape, string]> = [
    [{ unit: 'percentage', aggregation: 'sum', ratePer: null }, 'body.aggregation'],
    [{ unit: 'count', aggregation: 'ratio_of_sums', ratePer: null }, 'body.aggregation'],
    [{ unit: 'rate', aggregation: 'ratio_of_sums', ratePer: null }, 'body.ratePer'],
    [{ unit: 'count', aggregation: 'sum', ratePer: 1000 }, 'body.ratePer'],
  ]
  for (const [shape, field] of bad) {
    t.throws(
      () => checkIndicatorShape(shape),
      { code: 'INDICATOR.SHAPE', errors: [{ field }] },
      `${JSON.stringify(shape)} names ${field}`,
    )
  }
})
