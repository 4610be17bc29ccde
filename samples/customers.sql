-- The customers sample: a simulated first-party customer export (the project's own data, made with DuckDB 1.5.6).
-- 20,000 customers of a European retailer as of 2026-11-30: 7% have never ordered; first orders spread over four years;
-- orders geometric-like with mean ≈ 3.0 among buyers (2.8 over all); a quarter of customers buy mostly on discount; age bands and countries as below.
-- Contacts are synthetic (example.com addresses, 555 phone numbers); 5% of emails are malformed and 10% missing,
-- 40% of phones missing and German phones written nationally (0 30 …) to exercise normalisation.
COPY (
  WITH u AS (
    SELECT i,
      ((hash(i * 104729 + 1) % 1000003) + 0.5) / 1000003.0 AS u1, ((hash(i * 104729 + 2) % 1000003) + 0.5) / 1000003.0 AS u2,
      ((hash(i * 104729 + 3) % 1000003) + 0.5) / 1000003.0 AS u3, ((hash(i * 104729 + 4) % 1000003) + 0.5) / 1000003.0 AS u4,
      ((hash(i * 104729 + 5) % 1000003) + 0.5) / 1000003.0 AS u5, ((hash(i * 104729 + 6) % 1000003) + 0.5) / 1000003.0 AS u6,
      ((hash(i * 104729 + 7) % 1000003) + 0.5) / 1000003.0 AS u7, ((hash(i * 104729 + 8) % 1000003) + 0.5) / 1000003.0 AS u8,
      ((hash(i * 104729 + 9) % 1000003) + 0.5) / 1000003.0 AS u9, ((hash(i * 104729 + 10) % 1000003) + 0.5) / 1000003.0 AS u10
    FROM range(20000) t(i)),
  o AS (
    SELECT *, u1 < 0.93 AS buyer,
      1 + floor(-ln(u4) * 2.5)::INTEGER AS n_orders,
      floor(u2 * 1460)::INTEGER AS first_ago,
      CASE WHEN u6 < 0.25 THEN 0.5 + 0.5 * u7 ELSE 0.45 * u7 END AS deal_rate
    FROM u),
  c AS (
    SELECT *,
      CASE WHEN n_orders = 1 THEN first_ago ELSE floor(first_ago * power(u3, 2))::INTEGER END AS last_ago,
      CASE WHEN u8 < 0.12 THEN '18-24' WHEN u8 < 0.34 THEN '25-34' WHEN u8 < 0.56 THEN '35-44' WHEN u8 < 0.74 THEN '45-54'
           WHEN u8 < 0.88 THEN '55-64' WHEN u8 < 0.98 THEN '65+' ELSE NULL END AS age_band,
      CASE WHEN u9 < 0.40 THEN 'DE' WHEN u9 < 0.65 THEN 'FR' WHEN u9 < 0.85 THEN 'ES' WHEN u9 < 0.95 THEN 'NL' ELSE 'AT' END AS country
    FROM o)
  SELECT 'c' || lpad(i::VARCHAR, 6, '0') AS customer_id,
    DATE '2026-11-30' AS as_of,
    CASE WHEN buyer THEN DATE '2026-11-30' - first_ago END AS first_order_date,
    CASE WHEN buyer THEN DATE '2026-11-30' - last_ago END AS last_order_date,
    CASE WHEN buyer THEN n_orders ELSE 0 END AS orders,
    CASE WHEN buyer THEN round(n_orders * (18 + 70 * u5), 2) ELSE 0.0 END AS revenue,
    CASE WHEN buyer THEN least(n_orders, round(n_orders * deal_rate)::INTEGER) ELSE 0 END AS discounted_orders,
    age_band, country,
    CASE WHEN u10 < 0.85 THEN '  Customer.' || i || '@Example.com ' WHEN u10 < 0.90 THEN 'customer' || i || ' at example.com' END AS email,
    CASE WHEN u10 * 7 % 1 < 0.40 THEN NULL
         WHEN country = 'DE' THEN '030 555' || lpad((i % 10000)::VARCHAR, 4, '0')
         WHEN country = 'FR' THEN '+33 1 55 50 ' || lpad((i % 10000)::VARCHAR, 4, '0')
         WHEN country = 'ES' THEN '+34 915 55 ' || lpad((i % 10000)::VARCHAR, 4, '0')
         WHEN country = 'NL' THEN '+31 20 555 ' || lpad((i % 10000)::VARCHAR, 4, '0')
         ELSE '+43 1 555 ' || lpad((i % 10000)::VARCHAR, 4, '0') END AS phone,
    u6 * 13 % 1 < 0.3 AS app_installed
  FROM c ORDER BY i
) TO 'samples/customers/customers-2026-11-30.parquet' (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 8192);
