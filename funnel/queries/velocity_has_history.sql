-- velocity_has_history: 1 when the dataset holds at least one dated stage entry, else 0.
-- tables: {events}
SELECT count(*) FROM (SELECT 1 FROM {events} WHERE entered_at IS NOT NULL LIMIT 1) AS one
