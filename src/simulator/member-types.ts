/**
 * The simulated members and their usage rows as the data set holds them (part of the simulator's
 * public types, re-exported by types.ts).
 */

export type MemberListing = 'direct' | 'idp' | 'both';

export interface Role {
  role_id: string;
  role_name: string;
  role_type: 'enterprise' | 'org';
}

export interface RoleAssignment {
  org_id: string | null;
  role: Role;
}

export interface IdpRoleAssignment {
  idp_group_name: string;
  org_id: string | null;
  role: Role;
}

/** One simulated user. `index` is the creation order and seeds the user's generated data. */
export interface SimulatedMember {
  index: number;
  user_id: string;
  email: string | null;
  name: string | null;
  /** The org consumption and PR counts are attributed to. */
  home_org_id: string;
  /** Every org the user belongs to, home first. */
  org_ids: string[];
  /** Listed by the direct users endpoint, the idp-users endpoint, or both. */
  listing: MemberListing;
  /** Enterprise-level role: 'account_member' or 'account_admin'. */
  enterprise_role_id: string;
  /** Org role per org in org_ids: 'org_member' or 'org_admin'. */
  org_role_ids: Record<string, string>;
  /** False for users who never consume (no consumption rows, no PRs unless overridden). */
  consumes: boolean;
}

/** What `addMember` accepts; everything but user_id has a default. */
export interface NewMember {
  user_id: string;
  email?: string | null;
  name?: string | null;
  /** Default orgs[0]. */
  home_org_id?: string;
  /** Default [home_org_id]; the home org is always included. */
  org_ids?: string[];
  /** Default 'direct'. */
  listing?: MemberListing;
  /** Default 'account_member'. */
  enterprise_role_id?: string;
  /** Default 'org_member' in every org. */
  org_role_ids?: Record<string, string>;
  /** Default true (generated consumption like any other user). */
  consumes?: boolean;
}

export interface AcusByProduct {
  devin: number;
  cascade: number;
  terminal: number;
  review: number | null;
}

/** A consumption row as the API serves it (`date` = Unix seconds at 08:00Z of the billing day). */
export interface ConsumptionRow {
  date: number;
  acus: number;
  acus_by_product: AcusByProduct;
}

/** A row to store with `setConsumption` (its date is the day number given there). */
export interface ConsumptionValue {
  acus: number;
  acus_by_product: AcusByProduct;
}

export interface PrCounts {
  prs_created_count: number;
  prs_opened_count: number;
  prs_merged_count: number;
  prs_closed_count: number;
  prs_taken_over_count: number;
  prs_taken_over_opened_count: number;
  prs_taken_over_merged_count: number;
  prs_taken_over_closed_count: number;
}
