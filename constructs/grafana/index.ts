/**
 * Hand-written cdktf binding of the Grafana provider (`grafana/grafana` ~> 4.0): the provider, folders,
 * dashboards, Synthetic Monitoring HTTP checks and the probes data source. Import from here or from each module.
 */
export { GrafanaProvider, type GrafanaProviderConfig } from './provider';
export { Folder, type FolderConfig, GRAFANA_UID_RE } from './folder';
export { Dashboard, type DashboardConfig } from './dashboard';
export {
  SyntheticMonitoringCheck,
  type SyntheticMonitoringCheckConfig,
  type SyntheticMonitoringCheckSettings,
  type SyntheticMonitoringCheckSettingsHttp,
  SM_LABEL_LIMITS,
} from './synthetic-monitoring-check';
export { DataGrafanaSyntheticMonitoringProbes, type DataGrafanaSyntheticMonitoringProbesConfig } from './data-synthetic-monitoring-probes';
