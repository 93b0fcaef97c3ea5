-- ACUs per member per week
-- The ACUs each member consumed in each ISO week (Monday to Sunday, by billing day), from
-- daily_consumption. A week cut by the read's first or last day holds only the days read, and
-- today's billing day (is_partial_day) is still accumulating. A member without usage in a week has
-- no row for it.
SELECT CAST(date_trunc('week', date) AS DATE) AS week,
       user_id,
       MAX(email) AS email,
       ROUND(SUM(acus), 2) AS acus
FROM daily_consumption
GROUP BY week, user_id
ORDER BY week, acus DESC, user_id;
