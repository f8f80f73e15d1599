/**
 * Data source `grafana_synthetic_monitoring_probes`: every probe location of the Synthetic Monitoring tenant,
 * name → id (provider `grafana/grafana` ~> 4.0, bound by hand). Checks name their probes; this turns the names
 * into the ids the check resource needs, at plan time.
 */
import { Construct } from 'constructs';
import { NumberMap, TerraformDataSource, TerraformMetaArguments, booleanToTerraform } from 'cdktf';
import { compactHcl, grafanaElementConfig, hclAttribute } from './attributes';

export interface DataGrafanaSyntheticMonitoringProbesConfig extends TerraformMetaArguments {
  /** Leave out deprecated probes (provider default true). */
  readonly filterDeprecated?: boolean;
}

export class DataGrafanaSyntheticMonitoringProbes extends TerraformDataSource {
  /** Terraform data source type. */
  public static readonly tfResourceType = 'grafana_synthetic_monitoring_probes';

  private readonly config: DataGrafanaSyntheticMonitoringProbesConfig;
  private readonly _probes = new NumberMap(this, 'probes');

  constructor(scope: Construct, id: string, config: DataGrafanaSyntheticMonitoringProbesConfig = {}) {
    super(scope, id, grafanaElementConfig(DataGrafanaSyntheticMonitoringProbes.tfResourceType, config));
    this.config = config;
  }

  /** Probe name → probe id (computed). */
  public get probes(): NumberMap {
    return this._probes;
  }

  /**
   * The id of the probe called `name`: `data.grafana_synthetic_monitoring_probes.<id>.probes["<name>"]`. A name
   * the tenant does not have fails the plan ("The given key does not identify an element in this collection").
   */
  public probeId(name: string): number {
    return this._probes.lookup(name);
  }

  /** Data source id (computed). */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return { filter_deprecated: booleanToTerraform(this.config.filterDeprecated) };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return compactHcl({ filter_deprecated: hclAttribute(this.config.filterDeprecated, 'boolean') });
  }
}
