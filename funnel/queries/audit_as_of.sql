-- audit_as_of: the last moment the data knows of in one pipeline (the audit's "today" by default).
-- tables: {deals}, {events}; values: $pipeline
SELECT max(t) FROM (
    SELECT max(created_at) AS t FROM {deals} WHERE pipeline = $pipeline
    UNION ALL SELECT max(closed_at) FROM {deals} WHERE pipeline = $pipeline
    UNION ALL SELECT max(entered_at) FROM {events} WHERE pipeline = $pipeline
) AS m
