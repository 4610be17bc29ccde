-- The vbo-holdout-winter sample: an earlier season's audience holdout, concluded (the project's own data, made with DuckDB 1.5.6).
-- 80,000 customers: holdout 20%, vbo 40%, vbo_1p 40%; segments new/regular/vip; surfaces web/app; markets de/fr/es.
-- Half the customers convert; a converter's revenue is 0.6 × pre-period revenue plus lognormal noise. True effects on
-- the conversion rate, and so on revenue: VBO +5%; VBO seeded with the 1P audience +7% for new and regular
-- customers and +25% for VIPs (15%), so vbo_1p over vbo is +1.9% and +19.0% (+4.5% overall).
-- Exposure 80% in the treated arms, 0.5% leakage into the holdout; spend 0.40 (vbo) and 0.50 (vbo_1p) per exposed customer.
COPY (
  WITH u AS (
    SELECT i,
      ((hash(i * 7919 + 301) % 1000003) + 0.5) / 1000003.0 AS u1,
      ((hash(i * 7919 + 302) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 7919 + 303) % 1000003) + 0.5) / 1000003.0 AS u3,
      ((hash(i * 7919 + 304) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 7919 + 305) % 1000003) + 0.5) / 1000003.0 AS u5,
      ((hash(i * 7919 + 306) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 7919 + 307) % 1000003) + 0.5) / 1000003.0 AS u7,
      ((hash(i * 7919 + 308) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 7919 + 309) % 1000003) + 0.5) / 1000003.0 AS u9,
      ((hash(i * 7919 + 310) % 1000003) + 0.5) / 1000003.0 AS u10
    FROM range(80000) t(i)),
  b AS (
    SELECT *, CASE WHEN u1 < 0.2 THEN 'holdout' WHEN u1 < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
      CASE WHEN u2 < 0.5 THEN 'new' WHEN u2 < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
      CASE WHEN u6 < 0.5 THEN 'de' WHEN u6 < 0.8 THEN 'fr' ELSE 'es' END AS market,
      exp(3 + 0.4 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4)) AS pre
    FROM u),
  p AS (
    SELECT *, 0.5 * CASE WHEN arm = 'vbo' THEN 1.05 WHEN arm = 'vbo_1p' THEN CASE WHEN segment = 'vip' THEN 1.25 ELSE 1.07 END ELSE 1.0 END AS rate FROM b)
  SELECT 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id, arm, segment,
    CASE WHEN u5 < 0.55 THEN 'app' ELSE 'web' END AS surface, market,
    CASE WHEN arm = 'holdout' THEN u7 < 0.005 ELSE u7 < 0.8 END AS exposed,
    CASE WHEN arm = 'vbo' AND u7 < 0.8 THEN 0.40 WHEN arm = 'vbo_1p' AND u7 < 0.8 THEN 0.50 ELSE 0.0 END AS spend,
    round(pre, 2) AS pre_revenue,
    (u8 < rate)::INTEGER AS conversions,
    CASE WHEN u8 < rate THEN round(0.6 * pre + 15 * exp(0.5 * sqrt(-2 * ln(u9)) * cos(2 * pi() * u10)), 2) ELSE 0.0 END AS revenue
  FROM p
) TO 'samples/exports/vbo-holdout-winter/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);

-- The vbo-holdout-spring sample: an earlier season's audience holdout, concluded (the project's own data, made with DuckDB 1.5.6).
-- 80,000 customers: holdout 20%, vbo 40%, vbo_1p 40%; segments new/regular/vip; surfaces web/app; markets de/fr/es.
-- Half the customers convert; a converter's revenue is 0.6 × pre-period revenue plus lognormal noise. True effects on
-- the conversion rate, and so on revenue: VBO +3%; VBO seeded with the 1P audience +6% for new and regular
-- customers and +15% for VIPs, so vbo_1p over vbo is +2.9% and +11.7% (+4.2% overall).
-- Exposure 80% in the treated arms, 0.5% leakage into the holdout; spend 0.40 (vbo) and 0.50 (vbo_1p) per exposed customer.
COPY (
  WITH u AS (
    SELECT i,
      ((hash(i * 7919 + 401) % 1000003) + 0.5) / 1000003.0 AS u1,
      ((hash(i * 7919 + 402) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 7919 + 403) % 1000003) + 0.5) / 1000003.0 AS u3,
      ((hash(i * 7919 + 404) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 7919 + 405) % 1000003) + 0.5) / 1000003.0 AS u5,
      ((hash(i * 7919 + 406) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 7919 + 407) % 1000003) + 0.5) / 1000003.0 AS u7,
      ((hash(i * 7919 + 408) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 7919 + 409) % 1000003) + 0.5) / 1000003.0 AS u9,
      ((hash(i * 7919 + 410) % 1000003) + 0.5) / 1000003.0 AS u10
    FROM range(80000) t(i)),
  b AS (
    SELECT *, CASE WHEN u1 < 0.2 THEN 'holdout' WHEN u1 < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
      CASE WHEN u2 < 0.5 THEN 'new' WHEN u2 < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
      CASE WHEN u6 < 0.5 THEN 'de' WHEN u6 < 0.8 THEN 'fr' ELSE 'es' END AS market,
      exp(3 + 0.4 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4)) AS pre
    FROM u),
  p AS (
    SELECT *, 0.5 * CASE WHEN arm = 'vbo' THEN 1.03 WHEN arm = 'vbo_1p' THEN CASE WHEN segment = 'vip' THEN 1.15 ELSE 1.06 END ELSE 1.0 END AS rate FROM b)
  SELECT 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id, arm, segment,
    CASE WHEN u5 < 0.55 THEN 'app' ELSE 'web' END AS surface, market,
    CASE WHEN arm = 'holdout' THEN u7 < 0.005 ELSE u7 < 0.8 END AS exposed,
    CASE WHEN arm = 'vbo' AND u7 < 0.8 THEN 0.40 WHEN arm = 'vbo_1p' AND u7 < 0.8 THEN 0.50 ELSE 0.0 END AS spend,
    round(pre, 2) AS pre_revenue,
    (u8 < rate)::INTEGER AS conversions,
    CASE WHEN u8 < rate THEN round(0.6 * pre + 15 * exp(0.5 * sqrt(-2 * ln(u9)) * cos(2 * pi() * u10)), 2) ELSE 0.0 END AS revenue
  FROM p
) TO 'samples/exports/vbo-holdout-spring/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);

-- The vbo-holdout-summer sample: an earlier season's audience holdout, concluded (the project's own data, made with DuckDB 1.5.6).
-- 100,000 customers: holdout 20%, vbo 40%, vbo_1p 40%; segments new/regular/vip; surfaces web/app; markets de/fr/es.
-- Half the customers convert; a converter's revenue is 0.6 × pre-period revenue plus lognormal noise. True effects on
-- the conversion rate, and so on revenue: VBO +2%; VBO seeded with the 1P audience +10% in de (45% of customers)
-- and fr (35%) but -10% in es (20%), in every segment: vbo_1p over vbo is +7.8% in de and fr, -11.8% in es and +3.9%
-- overall. A roll-out on the overall number would harm es: the fairness guardrail breaches.
-- Exposure 80% in the treated arms, 0.5% leakage into the holdout; spend 0.40 (vbo) and 0.50 (vbo_1p) per exposed customer.
COPY (
  WITH u AS (
    SELECT i,
      ((hash(i * 7919 + 501) % 1000003) + 0.5) / 1000003.0 AS u1,
      ((hash(i * 7919 + 502) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 7919 + 503) % 1000003) + 0.5) / 1000003.0 AS u3,
      ((hash(i * 7919 + 504) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 7919 + 505) % 1000003) + 0.5) / 1000003.0 AS u5,
      ((hash(i * 7919 + 506) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 7919 + 507) % 1000003) + 0.5) / 1000003.0 AS u7,
      ((hash(i * 7919 + 508) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 7919 + 509) % 1000003) + 0.5) / 1000003.0 AS u9,
      ((hash(i * 7919 + 510) % 1000003) + 0.5) / 1000003.0 AS u10
    FROM range(100000) t(i)),
  b AS (
    SELECT *, CASE WHEN u1 < 0.2 THEN 'holdout' WHEN u1 < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
      CASE WHEN u2 < 0.5 THEN 'new' WHEN u2 < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
      CASE WHEN u6 < 0.45 THEN 'de' WHEN u6 < 0.8 THEN 'fr' ELSE 'es' END AS market,
      exp(3 + 0.4 * sqrt(-2 * ln(u3)) * cos(2 * pi() * u4)) AS pre
    FROM u),
  p AS (
    SELECT *, 0.5 * CASE WHEN arm = 'vbo' THEN 1.02 WHEN arm = 'vbo_1p' THEN CASE WHEN market = 'es' THEN 0.90 ELSE 1.10 END ELSE 1.0 END AS rate FROM b)
  SELECT 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id, arm, segment,
    CASE WHEN u5 < 0.55 THEN 'app' ELSE 'web' END AS surface, market,
    CASE WHEN arm = 'holdout' THEN u7 < 0.005 ELSE u7 < 0.8 END AS exposed,
    CASE WHEN arm = 'vbo' AND u7 < 0.8 THEN 0.40 WHEN arm = 'vbo_1p' AND u7 < 0.8 THEN 0.50 ELSE 0.0 END AS spend,
    round(pre, 2) AS pre_revenue,
    (u8 < rate)::INTEGER AS conversions,
    CASE WHEN u8 < rate THEN round(0.6 * pre + 15 * exp(0.5 * sqrt(-2 * ln(u9)) * cos(2 * pi() * u10)), 2) ELSE 0.0 END AS revenue
  FROM p
) TO 'samples/exports/vbo-holdout-summer/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40000);
