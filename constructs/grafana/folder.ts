/** `grafana_folder`: a dashboard folder (provider `grafana/grafana` ~> 4.0, bound by hand). */
import { Construct } from 'constructs';
import { TerraformMetaArguments, TerraformResource, booleanToTerraform, stringToTerraform } from 'cdktf';
import { checkPattern, compactHcl, grafanaElementConfig, hclAttribute } from './attributes';

/** Folder and dashboard uids: letters, digits, `_` and `-`, at most 40 characters (Grafana rejects longer). */
export const GRAFANA_UID_RE = /^[a-zA-Z0-9_-]{1,40}$/;

export interface FolderConfig extends TerraformMetaArguments {
  /** Title shown in Grafana. Required. */
  readonly title: string;
  /** Stable uid (`[a-zA-Z0-9_-]`, ≤ 40 characters); changing it replaces the folder. Unset: Grafana generates one. */
  readonly uid?: string;
  /** Uid of the parent folder (nested folders feature). */
  readonly parentFolderUid?: string;
  /** Refuse to delete the folder while it holds dashboards or alert rules (Grafana ≥ 10.2). */
  readonly preventDestroyIfNotEmpty?: boolean;
  /** Organization id, as a string. Unset: the provider's. */
  readonly orgId?: string;
}

export class Folder extends TerraformResource {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'grafana_folder';

  private readonly config: FolderConfig;

  constructor(scope: Construct, id: string, config: FolderConfig) {
    super(scope, id, grafanaElementConfig(Folder.tfResourceType, config));
    checkPattern('Folder', 'title', config.title, /\S/, 'a non-empty title');
    checkPattern('Folder', 'uid', config.uid, GRAFANA_UID_RE, 'at most 40 characters of [a-zA-Z0-9_-]');
    this.config = config;
  }

  /** The folder's uid (known after apply when not set). Dashboards reference their folder by it. */
  public get uid(): string {
    return this.getStringAttribute('uid');
  }

  /** Numeric id, as a string. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** Full URL of the folder. */
  public get url(): string {
    return this.getStringAttribute('url');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      title: stringToTerraform(c.title),
      uid: stringToTerraform(c.uid),
      parent_folder_uid: stringToTerraform(c.parentFolderUid),
      prevent_destroy_if_not_empty: booleanToTerraform(c.preventDestroyIfNotEmpty),
      org_id: stringToTerraform(c.orgId),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const c = this.config;
    return compactHcl({
      title: hclAttribute(c.title, 'string'),
      uid: hclAttribute(c.uid, 'string'),
      parent_folder_uid: hclAttribute(c.parentFolderUid, 'string'),
      prevent_destroy_if_not_empty: hclAttribute(c.preventDestroyIfNotEmpty, 'boolean'),
      org_id: hclAttribute(c.orgId, 'string'),
    });
  }
}
