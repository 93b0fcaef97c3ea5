/* eslint-disable */
// Generated from schemas/*.json by `npm run gen:types` (json-schema-to-typescript). Do not edit by hand:
// change the schema and regenerate; a test fails when this file is stale.

/**
 * A Devin member of the scope: listed directly (role assignments) and/or through IdP groups.
 */
export interface MemberRecord {
  /**
   * Devin user id (opaque, e.g. `email|…` or `google-oauth2|…`). Primary key.
   */
  user_id: string;
  /**
   * Email address, null when the API has none.
   */
  email?: string | null;
  /**
   * Display name, null when the API has none.
   */
  name?: string | null;
  /**
   * Direct role assignments as the API returns them; [] for a member known only through an IdP group.
   */
  role_assignments?:
    | {
        /**
         * Organization of the role; null for an enterprise-level role.
         */
        org_id?: string | null;
        role?: {
          role_id?: string | null;
          role_name?: string | null;
          /**
           * `enterprise` or `org`.
           */
          role_type?: string | null;
          [k: string]: unknown;
        } | null;
        [k: string]: unknown;
      }[]
    | null;
  /**
   * Role assignments inherited through IdP groups; null when the member was not listed by the idp-users endpoint.
   */
  idp_role_assignments?:
    | {
        idp_group_name?: string | null;
        org_id?: string | null;
        role?: {
          role_id?: string | null;
          role_name?: string | null;
          role_type?: string | null;
          [k: string]: unknown;
        } | null;
        [k: string]: unknown;
      }[]
    | null;
  /**
   * The organization in organization scope; null in enterprise scope.
   */
  org_id?: string | null;
  [k: string]: unknown;
}

/**
 * ACUs one member consumed on one billing day (08:00 UTC to 08:00 UTC).
 */
export interface DailyConsumptionRecord {
  /**
   * Devin user id. Part of the primary key.
   */
  user_id: string;
  /**
   * The member's email, joined from the member listings.
   */
  email?: string | null;
  /**
   * Billing day (YYYY-MM-DD) from the API row's own date. Part of the primary key; the cursor.
   */
  date: string;
  /**
   * ACUs consumed that billing day.
   */
  acus?: number | null;
  /**
   * ACUs per product.
   */
  acus_by_product?: {
    devin?: number | null;
    cascade?: number | null;
    terminal?: number | null;
    review?: number | null;
    [k: string]: unknown;
  } | null;
  /**
   * The organization in organization scope; null in enterprise scope.
   */
  org_id?: string | null;
  /**
   * True for today's billing day, which is still accumulating (the value will grow).
   */
  is_partial_day?: boolean | null;
  [k: string]: unknown;
}

/**
 * Pull-request counts for one billing day, for the whole scope.
 */
export interface PrMetricsRecord {
  /**
   * Billing day (YYYY-MM-DD). Primary key; the cursor.
   */
  date: string;
  /**
   * Always null: the counts are for the whole scope (pr_metrics_by_member has them per member).
   */
  user_id?: string | null;
  /**
   * The organization in organization scope; null in enterprise scope.
   */
  org_id?: string | null;
  /**
   * PRs Devin authored, any state.
   */
  prs_created_count?: number | null;
  /**
   * Devin-authored PRs currently open.
   */
  prs_opened_count?: number | null;
  /**
   * Devin-authored PRs merged.
   */
  prs_merged_count?: number | null;
  /**
   * Devin-authored PRs closed without merge.
   */
  prs_closed_count?: number | null;
  /**
   * PRs Devin took over, any state; null where the API omits it.
   */
  prs_taken_over_count?: number | null;
  /**
   * Taken-over PRs currently open.
   */
  prs_taken_over_opened_count?: number | null;
  /**
   * Taken-over PRs merged.
   */
  prs_taken_over_merged_count?: number | null;
  /**
   * Taken-over PRs closed without merge.
   */
  prs_taken_over_closed_count?: number | null;
  /**
   * True for today's billing day, which is still accumulating.
   */
  is_partial_day?: boolean | null;
  [k: string]: unknown;
}
