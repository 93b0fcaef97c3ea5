-- Weekly active users
-- Distinct users who created at least one Devin session in each ISO week (Monday 00:00Z to Sunday
-- 23:59:59Z), from active_users (period 'week'). The week that holds the read's start is still
-- accumulating (is_partial_period). Service users do not count.
SELECT CAST(period_start AS DATE) AS week,
       org_id,
       active_users,
       is_partial_period
FROM active_users
WHERE period = 'week'
ORDER BY week, org_id;
