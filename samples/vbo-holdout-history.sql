-- The vbo-holdout-winter, -spring and -summer samples: earlier seasons' audience holdouts of the same question as
-- vbo-holdout, concluded (the project's own data, made with DuckDB 1.5.6).
-- Customers split holdout 20%, vbo 40%, vbo_1p 40%; segments new 50% / regular 35% / vip 15%; surfaces app/web;
-- markets de/fr/es. Half the holdout customers convert; a converter's revenue is 0.6 × pre-period revenue plus lognormal
-- noise. Treatment multiplies the conversion rate, and so revenue; true effects per season:
--   winter (80,000): vbo ×1.05; vbo_1p ×1.07, VIPs ×1.25 — vbo_1p over vbo +1.9% and +19.0% (+4.5% overall)
--   spring (80,000): vbo ×1.03; vbo_1p ×1.06, VIPs ×1.15 — vbo_1p over vbo +2.9% and +11.7% (+4.2% overall); a pilot
--     market lu holds 0.1% of the customers (about 80), too few to release: its cells are suppressed in the report
--   summer (100,000; de 45%, fr 35%, es 20%): vbo ×1.02; vbo_1p ×1.10 but ×0.90 in es, in every segment — vbo_1p over
--     vbo +7.8% in de and fr, −11.8% in es (+3.9% overall): a roll-out on the overall number would harm es.
-- Exposure 80% in the treated arms, 0.5% leakage into the holdout; spend 0.40 (vbo) and 0.50 (vbo_1p) per exposed customer.
CREATE MACRO season(n, seed, de_cut, fr_cut, lu_cut, vbo, vbo_1p, vbo_1p_vip, vbo_1p_es) AS TABLE
  WITH u AS (
    SELECT i,
      ((hash(i * 7919 + seed * 100 + 1) % 1000003) + 0.5) / 1000003.0 AS u1, ((hash(i * 7919 + seed * 100 + 2) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 7919 + seed * 100 + 3) % 1000003) + 0.5) / 1000003.0 AS u3, ((hash(i * 7919 + seed * 100 + 4) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 7919 + seed * 100 + 5) % 1000003) + 0.5) / 1000003.0 AS u5, ((hash(i * 7919 + seed * 100 + 6) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 7919 + seed * 100 + 7) % 1000003) + 0.5) / 1000003.0 AS u7, ((hash(i * 7919 + seed * 100 + 8) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 7919 + seed * 100 + 9) % 1000003) + 0.5) / 1000003.0 AS u9, ((hash(i * 7919 + seed * 100 + 10) % 1000003) + 0.5) / 1000003.0 AS u10
    FROM range(n) t(i)),
  b AS (
    SELECT *, CASE WHEN u1 < 0.2 THEN 'holdout' WHEN u1 < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
      CASE WHEN u2 < 0.5 THEN 'new' WHEN u2 < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
      CASE WHEN u6 >= lu_cut THEN 'lu' WHEN u6 < de_cut THEN 'de' WHEN u6 < fr_cut THEN 'fr' ELSE 'es' END AS market,
      exp(3 + 0.4 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4)) AS pre
    FROM u),
  p AS (
    SELECT *, 0.5 * CASE WHEN arm = 'vbo' THEN vbo WHEN arm <> 'vbo_1p' THEN 1.0 WHEN market = 'es' AND vbo_1p_es IS NOT NULL THEN vbo_1p_es
      WHEN segment = 'vip' THEN vbo_1p_vip ELSE vbo_1p END AS rate FROM b)
  SELECT 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id, arm, segment,
    CASE WHEN u5 < 0.55 THEN 'app' ELSE 'web' END AS surface, market,
    CASE WHEN arm = 'holdout' THEN u7 < 0.005 ELSE u7 < 0.8 END AS exposed,
    CASE WHEN arm = 'vbo' AND u7 < 0.8 THEN 0.40 WHEN arm = 'vbo_1p' AND u7 < 0.8 THEN 0.50 ELSE 0.0 END AS spend,
    round(pre, 2) AS pre_revenue,
    (u8 < rate)::INTEGER AS conversions,
    CASE WHEN u8 < rate THEN round(0.6 * pre + 15 * exp(0.5 * sqrt(-2 * ln(u9)) * cos(2 * pi() * u10)), 2) ELSE 0.0 END AS revenue
  FROM p;
-- lu_cut 2: no customer in lu. vbo_1p_es NULL: es customers get their segment's multiplier like everyone else.
COPY (FROM season(80000, 3, 0.5, 0.8, 2, 1.05, 1.07, 1.25, NULL))
  TO 'samples/exports/vbo-holdout-winter/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);
COPY (FROM season(80000, 4, 0.5, 0.8, 0.999, 1.03, 1.06, 1.15, NULL))
  TO 'samples/exports/vbo-holdout-spring/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);
COPY (FROM season(100000, 5, 0.45, 0.8, 2, 1.02, 1.10, 1.10, 0.90))
  TO 'samples/exports/vbo-holdout-summer/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);
