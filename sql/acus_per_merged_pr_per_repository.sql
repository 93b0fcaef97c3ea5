-- ACUs per merged PR per repository
-- What it measures: the ACUs of the Devin sessions that produced a merged pull request, per merged
-- PR, per repository. A session's acus_consumed (from sessions) is split evenly over the distinct
-- merged PRs it lists (from session_pull_requests); a repository's share is then divided by its
-- distinct merged PRs. Sessions without a merged PR (open or closed PRs, exploration, failed
-- attempts) are not counted, so this is the cost of the work that landed, not all the work; a PR
-- listed by two sessions gets a share of each. pr_metrics and daily_consumption cannot answer it:
-- they know no repository.
WITH merged AS (
  SELECT DISTINCT session_id, pr_url, repository
  FROM session_pull_requests
  WHERE pr_state = 'merged' AND repository IS NOT NULL
), per_session AS (
  SELECT session_id, COUNT(*) AS merged_prs FROM merged GROUP BY session_id
)
SELECT m.repository,
       COUNT(DISTINCT m.pr_url) AS merged_prs,
       ROUND(SUM(s.acus_consumed / p.merged_prs), 2) AS acus,
       ROUND(SUM(s.acus_consumed / p.merged_prs) / COUNT(DISTINCT m.pr_url), 2) AS acus_per_merged_pr
FROM merged m
JOIN per_session p USING (session_id)
JOIN sessions s USING (session_id)
GROUP BY m.repository
ORDER BY acus_per_merged_pr DESC, m.repository;
