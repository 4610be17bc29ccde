-- The vbo-holdout sample: a simulated audience holdout (the project's own data, made with DuckDB 1.5.6).
-- 200,000 customers: holdout 20%, vbo 40%, vbo_1p 40%; segments new/regular/vip; surfaces web/app; markets de/fr/es.
-- 30% of holdout customers convert; revenue is spent only by converters (their pre-period revenue plus lognormal
-- noise). True effects, on the conversion rate and so on revenue: VBO +4% everywhere; VBO seeded with the 1P audience
-- +4% for new and regular customers and +20% for VIPs (15% of customers), +6.4% overall. Exposure: 80% of the treated arms, 0.5% leakage into the holdout; spend 0.40 per exposed
-- customer. Unsubscribes (a guardrail metric) rise 10% under VBO+1P. Pre-period revenue drives revenue (CUPED).
COPY (
  WITH u AS (
    SELECT i,
      ((hash(i * 7919 + 1) % 1000003) + 0.5) / 1000003.0 AS u1, ((hash(i * 7919 + 2) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 7919 + 3) % 1000003) + 0.5) / 1000003.0 AS u3, ((hash(i * 7919 + 4) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 7919 + 5) % 1000003) + 0.5) / 1000003.0 AS u5, ((hash(i * 7919 + 6) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 7919 + 7) % 1000003) + 0.5) / 1000003.0 AS u7, ((hash(i * 7919 + 8) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 7919 + 9) % 1000003) + 0.5) / 1000003.0 AS u9, ((hash(i * 7919 + 10) % 1000003) + 0.5) / 1000003.0 AS u10,
      ((hash(i * 7919 + 11) % 1000003) + 0.5) / 1000003.0 AS u11
    FROM range(200000) t(i)),
  b AS (
    SELECT *, CASE WHEN u1 < 0.2 THEN 'holdout' WHEN u1 < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
      CASE WHEN u2 < 0.5 THEN 'new' WHEN u2 < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
      exp(3 + 0.6 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4)) AS pre
    FROM u)
  SELECT 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id, arm, segment,
    CASE WHEN u5 < 0.55 THEN 'app' ELSE 'web' END AS surface,
    CASE WHEN u6 < 0.5 THEN 'de' WHEN u6 < 0.8 THEN 'fr' ELSE 'es' END AS market,
    CASE WHEN arm = 'holdout' THEN u7 < 0.005 ELSE u7 < 0.8 END AS exposed,
    CASE WHEN arm <> 'holdout' AND u7 < 0.8 THEN 0.40 ELSE 0.0 END AS spend,
    round(pre, 2) AS pre_revenue,
    (u8 < 0.3 * CASE WHEN arm = 'vbo' THEN 1.04 WHEN arm = 'vbo_1p' AND segment = 'vip' THEN 1.20 WHEN arm = 'vbo_1p' THEN 1.04 ELSE 1.0 END)::INTEGER AS conversions,
    CASE WHEN u8 < 0.3 * CASE WHEN arm = 'vbo' THEN 1.04 WHEN arm = 'vbo_1p' AND segment = 'vip' THEN 1.20 WHEN arm = 'vbo_1p' THEN 1.04 ELSE 1.0 END
      THEN round(0.7 * pre + 30 * exp(0.9 * sqrt(-2 * ln(u9)) * cos(2 * pi() * u10)), 2) ELSE 0.0 END AS revenue,
    (u11 < 0.05 * CASE WHEN arm = 'vbo_1p' THEN 1.10 ELSE 1.0 END)::INTEGER AS unsubscribes
  FROM b
) TO 'samples/exports/vbo-holdout/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000);
