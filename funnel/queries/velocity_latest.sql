-- velocity_latest: the dataset's latest timestamp (created, closed or stage entry): the default "now".
-- tables: {deals}, {events}
SELECT max(t) FROM (
    SELECT max(created_at) AS t FROM {deals}
    UNION ALL SELECT max(closed_at) FROM {deals}
    UNION ALL SELECT max(entered_at) FROM {events}
) AS latest
