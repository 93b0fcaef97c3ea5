-- Unattributed ACUs per billing day
-- The ACUs of the scope's bill (daily_consumption_totals) that no member (daily_consumption) and no
-- service user (daily_consumption_by_service_user) accounts for, per billing day. Enterprise keys
-- only: organization keys have no per-service-user stream.
SELECT t.date,
       ROUND(t.acus, 2) AS total_acus,
       ROUND(t.acus - COALESCE(m.acus, 0) - COALESCE(s.acus, 0), 2) AS unattributed_acus
FROM daily_consumption_totals t
LEFT JOIN (SELECT date, SUM(acus) AS acus FROM daily_consumption GROUP BY date) m ON m.date = t.date
LEFT JOIN (SELECT date, SUM(acus) AS acus FROM daily_consumption_by_service_user GROUP BY date) s ON s.date = t.date
ORDER BY t.date;
