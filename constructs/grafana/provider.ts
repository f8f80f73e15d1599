/**
 * The `grafana` provider (registry source `grafana/grafana`, major 4), bound by hand: no prebuilt
 * `@cdktf/provider-grafana` exists. Only the arguments the project uses are bound; names and types follow the
 * provider's schema (constructs/grafana/provider-schema.json, checked by the tests).
 */
import { Construct } from 'constructs';
import { TerraformProvider, stringToTerraform, numberToTerraform } from 'cdktf';
import { checkRange, compactHcl, GRAFANA_PROVIDER_METADATA, GRAFANA_PROVIDER_SOURCE, hclAttribute } from './attributes';

export interface GrafanaProviderConfig {
  /**
   * Root URL of the Grafana instance (`https://grafana.example.com/`). Unset: the provider reads `GRAFANA_URL`.
   */
  readonly url?: string;
  /**
   * Service account token, `user:password`, or `anonymous`. Sensitive. Unset: the provider reads `GRAFANA_AUTH`.
   */
  readonly auth?: string;
  /** Organization id (a number on the provider, a string on resources). Unset: `GRAFANA_ORG_ID`, else 1. */
  readonly orgId?: number;
  /** Synthetic Monitoring API URL. Unset: the provider reads `GRAFANA_SM_URL`. */
  readonly smUrl?: string;
  /** Synthetic Monitoring access token. Sensitive. Unset: the provider reads `GRAFANA_SM_ACCESS_TOKEN`. */
  readonly smAccessToken?: string;
  /** Retries of a failed API request (provider default 3). */
  readonly retries?: number;
  /** Seconds between retries (provider default 0). */
  readonly retryWait?: number;
  /** Alias, when one stack configures the provider more than once. */
  readonly alias?: string;
}

/** The `grafana` provider block. */
export class GrafanaProvider extends TerraformProvider {
  /** Terraform's name of this block. */
  public static readonly tfResourceType = 'grafana';

  private readonly config: GrafanaProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: GrafanaProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: GrafanaProvider.tfResourceType,
      terraformGeneratorMetadata: { ...GRAFANA_PROVIDER_METADATA },
      terraformProviderSource: GRAFANA_PROVIDER_SOURCE,
    });
    checkRange('GrafanaProvider', 'retries', config.retries, 0, 100);
    checkRange('GrafanaProvider', 'retryWait', config.retryWait, 0, 3600, ' s');
    this.config = config;
    this._alias = config.alias;
  }

  /** The provider alias (TerraformProvider leaves it to the binding to store). */
  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      url: stringToTerraform(c.url),
      auth: stringToTerraform(c.auth),
      org_id: numberToTerraform(c.orgId),
      sm_url: stringToTerraform(c.smUrl),
      sm_access_token: stringToTerraform(c.smAccessToken),
      retries: numberToTerraform(c.retries),
      retry_wait: numberToTerraform(c.retryWait),
      alias: stringToTerraform(this.alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const c = this.config;
    return compactHcl({
      url: hclAttribute(c.url, 'string'),
      auth: hclAttribute(c.auth, 'string'),
      org_id: hclAttribute(c.orgId, 'number'),
      sm_url: hclAttribute(c.smUrl, 'string'),
      sm_access_token: hclAttribute(c.smAccessToken, 'string'),
      retries: hclAttribute(c.retries, 'number'),
      retry_wait: hclAttribute(c.retryWait, 'number'),
      alias: hclAttribute(this.alias, 'string'),
    });
  }
}
