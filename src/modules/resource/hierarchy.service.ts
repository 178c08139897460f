import type { Db } from '../../db/client.js'
import { codePrefix, DomainError } from '../../domain/errors.js'
import { isSelfOrAncestor, lockTree } from './hierarchy.repository.js'
import type { Row, Scope, TableSpec, Values } from './resource.repository.js'

/** A write hook for a tree (areas, indicators) refusing a new parent that is the row itself or one of its descendants. */
export function refuseCycles<T extends 'area' | 'indicator'>(spec: TableSpec<T>) {
  return async (trx: Db, scope: Scope, values: Values<T>, existing?: Row<T>): Promise<Values<T>> => {
    const parentId = values.parentId
    if (existing === undefined || typeof parentId !== 'string' || parentId === existing.parentId) return values
    await lockTree(trx, spec.table, scope.partnershipId)
    if (await isSelfOrAncestor(trx, spec.table, scope.partnershipId, parentId, existing.id)) {
      throw new DomainError(
        `${codePrefix(spec.type)}.CYCLE`,
        'unprocessable',
        `A${/^[aeiou]/.test(spec.type) ? 'n' : ''} ${spec.type} cannot sit below itself or one of its own descendants.`,
        [{ field: 'body.parentId', message: `is this ${spec.type} or one of its descendants` }],
      )
    }
    return values
  }
}
