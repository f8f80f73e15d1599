/**
 * The catalog's fixed vocabulary that renderers speak too: severity order, burn tiers, the names of recorded SLO
 * series and of the families the catalog generates. Re-exported here so that renderers, constructs and stacks
 * read the plan and this vocabulary, never lib/catalog.
 */
export { BURN_KINDS, BURN_WORD, burnAlertsOf, NON_NOTIFYING_SEVERITIES, SEVERITY_ORDER, severityRank } from '../catalog/model';
export { SERVICES_PLACEHOLDER, SLO_RECORDS, sloRecordName } from '../catalog/names';
export { SLO_FAMILY } from '../catalog/crosscheck-dashboards';
export { selectedChecks, SYNTHETICS_FAMILY } from '../catalog/crosscheck-synthetics';
export { formatValue } from '../catalog/resolve';
export { SERVICE_VARIABLE_KINDS } from '../catalog/dashboards';
export { FEATURE_FLAG_EXPECTED, FEATURE_FLAG_FAMILY } from '../catalog/feature-flags';
