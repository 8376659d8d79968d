-- forecast_covering_stays: the stays in an open funnel stage that cover some moment between $first
-- and $last (entered by $last, not left by $first); a stay covers T when entered_at <= T < until_at,
-- and at most one stay of a deal covers a moment. Matched to forecast_open_deals by the caller on
-- the integer row_no (cheaper there than a join or anti-join of 300,000 deals to 300,000 stays):
-- the stays need no filter of their own, the open deals carry it, and the two range conditions
-- read only the blocks of the stored stays that reach $first.
-- tables: none; fragments: stays (every stay of the dataset: funnel/velocity/stays.py stays_sql)
SELECT row_no, position, entered_at, until_at
FROM {stays}
WHERE kind = 'open' AND entered_at <= $last AND until_at > $first
