-- reason_categories: category of each distinct reason of legs_to_key, by the configured rules
-- (reason_rules: priority, category, keyword); the first rule that matches wins, else 'Outros'.
CREATE OR REPLACE TEMP TABLE reason_categories AS
SELECT
  r.reason,
  coalesce(arg_min(rule.category, rule.priority), 'Outros') AS reason_category
FROM (SELECT DISTINCT reason FROM legs_to_key WHERE NOT is_blank(reason)) r
LEFT JOIN reason_rules rule ON contains(reason_match_text(r.reason), reason_match_text(rule.keyword))
GROUP BY r.reason;
