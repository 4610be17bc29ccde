-- The creative-holdout sample: a second audience holdout live alongside vbo-holdout and conflated with it on purpose
-- (the project's own data, made with DuckDB 1.5.6 from samples/exports/vbo-holdout/customers.parquet; run from the
-- repository root). 150,000 customers c0100000 … c0249999, of whom the first 100,000 are also in vbo-holdout. The creative
-- team reused vbo-holdout's holdout list for 70% of the shared customers (holdout there → holdout here, treated there →
-- creative here), so the two tests' arms are dependent; everyone else is split 20/80 on a uniform of its own, which keeps
-- the planned 20/80 split overall. 30% of holdout customers convert; VBO's treated arms lift conversion 4% in both
-- creative arms; the new creative lifts it 5%, and 15% more among customers VBO also reaches — an interaction. Revenue is
-- spent only by converters (lognormal around 40).
COPY (
  WITH u AS (
    SELECT i, 'c' || lpad(i::VARCHAR, 7, '0') AS customer_id,
      ((hash(i * 104729 + 1) % 1000003) + 0.5) / 1000003.0 AS u1, ((hash(i * 104729 + 2) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 104729 + 3) % 1000003) + 0.5) / 1000003.0 AS u3, ((hash(i * 104729 + 4) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 104729 + 5) % 1000003) + 0.5) / 1000003.0 AS u5
    FROM range(100000, 250000) t(i)),
  v AS (SELECT customer_id, arm AS vbo_arm FROM 'samples/exports/vbo-holdout/customers.parquet'),
  b AS (
    SELECT u.*, v.vbo_arm,
      CASE WHEN v.vbo_arm IS NOT NULL AND u1 < 0.7 THEN (CASE WHEN v.vbo_arm = 'holdout' THEN 'holdout' ELSE 'creative' END)
           WHEN u2 < 0.2 THEN 'holdout' ELSE 'creative' END AS arm
    FROM u LEFT JOIN v USING (customer_id)),
  c AS (
    SELECT *, (u3 < 0.3 * CASE WHEN vbo_arm IN ('vbo', 'vbo_1p') THEN 1.04 ELSE 1.0 END
      * CASE WHEN arm = 'creative' THEN 1.05 * CASE WHEN vbo_arm IN ('vbo', 'vbo_1p') THEN 1.15 ELSE 1.0 END ELSE 1.0 END)::INTEGER AS conversions
    FROM b)
  SELECT customer_id, arm, conversions,
    CASE WHEN conversions = 1 THEN round(40 * exp(0.8 * sqrt(-2 * ln(u4)) * cos(2 * pi() * u5)), 2) ELSE 0.0 END AS revenue
  FROM c ORDER BY customer_id
) TO 'samples/exports/creative-holdout/customers.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000);
