-- audit_stage_times: per funnel position of one pipeline, how long deals stayed there (deals that
-- left it for another stage entry: that entry minus this one), entries since $recent_from, and the
-- open deals sitting there now with their age in the stage at $as_of (since their last entry: a
-- deal's last entry is its current stage). Stuck = older than $stuck_days when given, else than
-- the stage's p90 (Hyndman & Fan type 7) when at least $p90_min stays have finished there (a p90 of
-- 3 stays is their largest but a bit: Velocity does not show it, funnel/metrics/cycle_rules.py).
-- Reads the stays derived at import (funnel/velocity/stays.py) and the deals' last_entry_at
-- (funnel/audit/facts.py): no window over the stage history and no join of it with the deals.
-- Time in stage is Velocity's: every finished stay, the last stay of a closed deal too (it ends
-- when the deal closed: leaving by losing is leaving, README "Stays"), so "the stage's p90" is the
-- same number on both pages. (It had left that stay out: a file whose history has no row for the
-- loss, Pipedrive's, Maven's, got another p90 here than on Velocity, or none at all.)
-- Time in stage is measured on the deals with row_no % $sample_mod = 0: every deal when
-- $sample_mod is 1 (up to SAMPLE_ABOVE stage entries, funnel/audit/stuck.py), a fixed 1-in-k sample
-- of deals above it (quantiles of 100,000s of stays do not need millions): n_measured counts those.
-- n_left (the page's «Left the stage», which opens its deals), stuck and open counts are always exact
-- (n_left was the sample's count: a 1-in-k share of the stays shown as all of them, session 50).
-- {chosen_only} is empty when the spec filters nothing but the pipeline (stays carry it), else it
-- keeps the stays of the chosen deals.
-- tables: {deals} (with last_entry_at), {stays}; fragments: {where} (the spec), {chosen_only};
-- values: $p_pipeline..., $as_of, $recent_from, $stuck_days, $sample_mod, $p90_min
WITH durations AS (
    SELECT position,
           count(*) AS n_measured,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS p50_days,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90_days,
           avg(days) AS mean_days
    FROM (SELECT s.position, date_diff('second', s.entered_at, s.left_at) / 86400.0 AS days
          FROM {stays} AS s
          JOIN (SELECT row_no FROM {deals} AS d
                WHERE ({where}) AND row_no % $sample_mod = 0) AS c ON c.row_no = s.row_no
          WHERE s.row_no % $sample_mod = 0 AND s.left_at IS NOT NULL) AS v
    GROUP BY position
),
recent AS (
    SELECT s.position,
           count(*) FILTER (WHERE s.entered_at >= $recent_from AND s.entered_at < $as_of) AS entries_recent,
           count(*) FILTER (WHERE s.left_at IS NOT NULL) AS n_left
    FROM {stays} AS s
    WHERE s.pipeline = $p_pipeline {chosen_only}
    GROUP BY s.position
),
open_now AS (
    SELECT stage_pos AS position, amount, date_diff('second', last_entry_at, $as_of) / 86400.0 AS age_days
    FROM {deals} AS d
    WHERE ({where}) AND status = 'open' AND stage_pos IS NOT NULL AND last_entry_at IS NOT NULL
),
open_stats AS (
    SELECT o.position,
           count(*) AS open_n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.age_days) AS open_median_age,
           count(*) FILTER (WHERE o.age_days > coalesce($stuck_days, d.p90_days)) AS stuck_n,
           sum(o.amount) FILTER (WHERE o.age_days > coalesce($stuck_days, d.p90_days)) AS stuck_amount
    FROM open_now AS o
    LEFT JOIN (SELECT position, CASE WHEN n_measured >= $p90_min THEN p90_days END AS p90_days FROM durations) AS d
        ON d.position = o.position
    GROUP BY o.position
)
SELECT coalesce(d.position, s.position, r.position) AS position, r.n_left, d.n_measured, d.p50_days, d.p90_days,
       d.mean_days, r.entries_recent, s.open_n, s.open_median_age, s.stuck_n, s.stuck_amount
FROM durations AS d
FULL OUTER JOIN open_stats AS s ON s.position = d.position
FULL OUTER JOIN recent AS r ON r.position = coalesce(d.position, s.position)
ORDER BY 1
