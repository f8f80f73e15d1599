/** `grafana_dashboard`: one dashboard from its JSON model (provider `grafana/grafana` ~> 4.0, bound by hand). */
import { Construct } from 'constructs';
import { TerraformMetaArguments, TerraformResource, booleanToTerraform, stringToTerraform } from 'cdktf';
import { compactHcl, grafanaElementConfig, hclAttribute, isKnown } from './attributes';
import { GRAFANA_UID_RE } from './folder';

export interface DashboardConfig extends TerraformMetaArguments {
  /**
   * The dashboard JSON model, as a string (`JSON.stringify`). Its `uid` is the dashboard's identity; `${…}` in it
   * must be escaped for Terraform (`$${…}`). Required.
   */
  readonly configJson: string;
  /** Uid of the folder holding the dashboard. Unset: the General folder. */
  readonly folder?: string;
  /** Overwrite a dashboard with the same uid or title that Terraform did not create. */
  readonly overwrite?: boolean;
  /** Commit message of the dashboard version (shown in the dashboard's version history). */
  readonly message?: string;
  /** Organization id, as a string. Unset: the provider's. */
  readonly orgId?: string;
}

export class Dashboard extends TerraformResource {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'grafana_dashboard';

  private readonly config: DashboardConfig;

  constructor(scope: Construct, id: string, config: DashboardConfig) {
    super(scope, id, grafanaElementConfig(Dashboard.tfResourceType, config));
    if (isKnown(config.configJson)) checkModel(config.configJson);
    this.config = config;
  }

  /** The dashboard's uid (from the JSON model). */
  public get uid(): string {
    return this.getStringAttribute('uid');
  }

  /** Full URL of the dashboard. */
  public get url(): string {
    return this.getStringAttribute('url');
  }

  /** Numeric dashboard id. */
  public get dashboardId(): number {
    return this.getNumberAttribute('dashboard_id');
  }

  /** Version Grafana holds. */
  public get version(): number {
    return this.getNumberAttribute('version');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      config_json: stringToTerraform(c.configJson),
      folder: stringToTerraform(c.folder),
      overwrite: booleanToTerraform(c.overwrite),
      message: stringToTerraform(c.message),
      org_id: stringToTerraform(c.orgId),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const c = this.config;
    return compactHcl({
      config_json: hclAttribute(c.configJson, 'string'),
      folder: hclAttribute(c.folder, 'string'),
      overwrite: hclAttribute(c.overwrite, 'boolean'),
      message: hclAttribute(c.message, 'string'),
      org_id: hclAttribute(c.orgId, 'string'),
    });
  }
}

/** What Grafana and the provider reject at apply time, caught at synth: not JSON, no title, bad uid. */
function checkModel(json: string): void {
  let model: unknown;
  try {
    model = JSON.parse(json);
  } catch (e) {
    throw new Error(`Dashboard: configJson is not JSON: ${(e as Error).message}`);
  }
  if (!model || typeof model !== 'object' || Array.isArray(model)) throw new Error('Dashboard: configJson must be a JSON object');
  const m = model as { uid?: unknown; title?: unknown };
  if (typeof m.title !== 'string' || !m.title.trim()) throw new Error('Dashboard: configJson needs a non-empty title');
  if (m.uid !== undefined && (typeof m.uid !== 'string' || !GRAFANA_UID_RE.test(m.uid))) {
    throw new Error(`Dashboard: uid must be at most 40 characters of [a-zA-Z0-9_-], got ${JSON.stringify(m.uid)}`);
  }
}
