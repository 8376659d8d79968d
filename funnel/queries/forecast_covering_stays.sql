-- forecast_covering_stays: the stays in an open funnel stage that cover $as_of (entered by then, not
-- left by then; at most one per deal), with the days since the deal entered the stage. Matched to
-- forecast_open_deals by the caller on the integer row_no (cheaper there than a join or anti-join
-- of 300,000 deals to 300,000 stays): the stays need no filter of their own, the open deals carry
-- it, and "covers T" is two range conditions the stored stays answer from the blocks that reach T.
-- tables: none; fragments: stays (every stay of the dataset: funnel/velocity/stays.py stays_sql)
SELECT row_no, position,
       (EXTRACT(EPOCH FROM CAST($as_of AS TIMESTAMP)) - EXTRACT(EPOCH FROM entered_at)) / 86400.0 AS age_days
FROM {stays}
WHERE kind = 'open' AND entered_at <= $as_of AND until_at > $as_of
