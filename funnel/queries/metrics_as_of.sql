-- metrics_as_of: the dataset's as-of moment, the latest created or closed date in the data.
-- tables: {deals}
SELECT max(created_at) AS last_created, max(closed_at) AS last_closed
FROM {deals}
