-- audit_spend_sources: every source of the deals of any pipeline: a spend file's source none of them
-- names is a warning (a source of another pipeline than the one shown is not unknown).
-- tables: {deals}
SELECT DISTINCT source
FROM {deals}
WHERE source IS NOT NULL
